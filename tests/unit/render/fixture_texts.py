"""Every Markdown file of the fixture books and every CommonMark spec example, as the
sources a build converts: the corpus the conversion's fast paths are checked on."""

from __future__ import annotations

import functools
from pathlib import Path

from makebook.errors import MakeBookError
from makebook.model import SourceFile
from makebook.source import read_manuscript
from tests import commonmark as cm

BOOKS = Path(__file__).resolve().parents[2] / 'books'


@functools.cache
def fixture_sources() -> tuple[SourceFile, ...]:
    sources: list[SourceFile] = []
    for book in sorted(path for path in BOOKS.iterdir() if path.is_dir()):
        try:
            sources += read_manuscript(book).files
        except MakeBookError:  # a book made to fail reading (hostile-paths), or with no .md
            continue
    sources += [SourceFile(path=Path(f'/commonmark/{example.number}.md'), name=f'{example.number}.md',
                           markdown=example.markdown, first_line=1, front_matter={})
                for example in cm.examples()]
    # Straight quotes in the places smarty has a rule for that no book above has.
    sources.append(SourceFile(path=Path('/quotes.md'), name='quotes.md', first_line=1, front_matter={},
                              markdown='\'...\n\n"...\n\n"\'Twas \'"Hello" he said"\' in the \'80s (\'x).\n'))
    # Emphasis nested too deeply for Python-Markdown to read (a RecursionError): the instance
    # it stopped in must not be used again.
    deep = '*a ' * 3000 + 'x' + ' b*' * 3000
    sources.append(SourceFile(path=Path('/deep.md'), name='deep.md', markdown=deep, first_line=1,
                              front_matter={}))
    return tuple(sources)
