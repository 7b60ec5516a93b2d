"""The copy-editor's checks of make-book check (checks/author.py), one small manuscript per code:
each finding at its file and line, and the same text written well reports nothing."""

from __future__ import annotations

import pytest

from makebook.checks import check_book
from makebook.render import render_book
from makebook.source import read_manuscript

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'  # 5 lines: the chapter text starts on line 6
LONG = ' '.join(['word'] * 460)

# code: (files, the file and line of the finding, a fragment of its message, the text fixed)
CASES = {
    'MB420': ({'01.md': HEAD + '# One\n\nText.\n\n### Too deep\n\nMore.\n'},
              ('01.md', 10), "'Too deep' is level 3 under a level 1",
              {'01.md': HEAD + '# One\n\nText.\n\n## Deep enough\n\nMore.\n'}),
    'MB421': ({'01.md': HEAD + '# Arrival\n\nText.\n', '02.md': '\n# Arrival\n\nMore.\n'},
              ('02.md', 2), "'Arrival' is also the title of a chapter in 01.md",
              {'01.md': HEAD + '# Arrival\n\nText.\n', '02.md': '\n# Departure\n\nMore.\n'}),
    'MB422': ({'01.md': HEAD + '# One\n\nFirst line.\nShe said "never closed and left.\n'},
              ('01.md', 9), '1 opening and 0 closing double quotes',
              {'01.md': HEAD + '# One\n\nFirst line.\nShe said "closed" and left.\n\n'
                                '"A quotation running on,\n\n"into a second paragraph."\n'}),
    'MB423': ({'01.md': HEAD + '# One\n\nText.\n\n<p>Pasted "raw" HTML.</p>\n'},
              ('01.md', 10), 'a straight double quote is left uncurled',
              {'01.md': HEAD + '# One\n\nText "typed" in Markdown, and `code "kept"`.\n'}),
    'MB424': ({'01.md': HEAD + '# One\n\nText.\nAnd then . . . nothing.\n'},
              ('01.md', 9), "'. . .' is printed as separate full stops",
              {'01.md': HEAD + '# One\n\nText.\nAnd then... nothing. Four dots end it....\n'}),
    'MB425': ({'01.md': HEAD + '# One\n\nText.\n\nIt rained - all day.\n'},
              ('01.md', 10), 'a spaced hyphen is used as a dash',
              {'01.md': HEAD + '# One\n\nText.\n\nIt rained -- all day --- and a well-known night.\n\n'
                                '- a list item\n'}),
    'MB426': ({'01.md': HEAD + f'# One\n\nShort.\n\nBegin {LONG}\n'},
              ('01.md', 10), 'a paragraph of 461 words',
              {'01.md': HEAD + f'# One\n\nShort.\n\n{" ".join(["word"] * 400)}\n'}),
}


def findings(write_book, files: dict[str, str], code: str) -> list:
    folder = write_book(files)
    book = render_book(read_manuscript(folder))
    return [(d.path.relative_to(folder).as_posix() if d.path else None, d.line, d.message)
            for d in check_book(book, author=True) if d.code == code]


@pytest.mark.parametrize('code', sorted(CASES))
def test_each_check_reports_its_code_at_the_file_and_line(write_book, code: str) -> None:
    files, (path, line), message, _ = CASES[code]
    found = findings(write_book, files, code)
    assert len(found) == 1, found
    assert found[0][:2] == (path, line)
    assert message in found[0][2]


@pytest.mark.parametrize('code', sorted(CASES))
def test_the_text_written_well_reports_nothing(write_book, code: str) -> None:
    _, _, _, fixed = CASES[code]
    assert findings(write_book, fixed, code) == []


def test_a_build_runs_none_of_the_copy_editors_checks(write_book) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nIt rained - all day.\n\n### Deep\n\nText.\n'})
    book = render_book(read_manuscript(folder))
    assert check_book(book) == []
    assert sorted(d.code for d in check_book(book, author=True)) == ['MB420', 'MB425']


def test_the_checks_read_the_chapters_once_and_let_them_go(monkeypatch) -> None:
    """check_book reads the book's prose blocks once for every copy-editor's check (five parses
    of every chapter before), with the same findings, and keeps nothing after."""
    from makebook.checks import author as author_module
    from makebook.checks import check_book
    from makebook.render import render_book
    from makebook.source import read_manuscript
    from tests.tools import BOOKS

    book = render_book(read_manuscript(BOOKS / 'print-features'))
    expected = check_book(book, author=True)
    reads = []
    read_blocks = author_module._read_blocks

    def counted(book_read):  # type: ignore[no-untyped-def]
        reads.append(book_read)
        return read_blocks(book_read)

    monkeypatch.setattr(author_module, '_read_blocks', counted)
    assert check_book(book, author=True) == expected
    assert len(reads) == 1 and not author_module._READ
