"""A long book's web edition and its EPUB after a save (cache namespaces web/page and
epub/chapter): only the pages and chapter documents that show what changed are made again, and
the edition and the EPUB are byte for byte those a cold build makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from makebook import build as build_module
from makebook import web
from makebook.epub import package
from makebook.model import BuildOptions

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'
BOOK = {
    '01.md': META + '# One\n\nSee [the target](#target-here) and [three](03.md).\n',
    '02.md': '# Two\n\nText two, with "quotes".[^n]\n\n[^n]: A note.\n',
    '03.md': '# Three\n\nText three.\n\n## Target here {#target-here}\n\nHere.\n',
    '04.md': '# Four\n\nBack to [one](01.md).\n',
}


class Made(list[str]):
    """The web pages made, by chapter title; ``epub``: the EPUB's chapter documents made."""

    def __init__(self) -> None:
        super().__init__()
        self.epub: list[str] = []

    def clear(self) -> None:
        super().clear()
        self.epub.clear()


@pytest.fixture
def pages_made(monkeypatch: pytest.MonkeyPatch) -> Made:
    """A chaptered web edition (a page per chapter) on a short book; the pages made, by title."""
    monkeypatch.setattr(web, 'LONG_BOOK_WORDS', 0)
    made = Made()
    real_page, real_document = web._chapter_page, package.chapter_document

    def page(book, chapter, *args):
        made.append(chapter.title)
        return real_page(book, chapter, *args)

    def document(book, chapter, *args):
        made.epub.append(chapter.title)
        return real_document(book, chapter, *args)
    monkeypatch.setattr(web, '_chapter_page', page)
    monkeypatch.setattr(package, 'chapter_document', document)
    return made


def build(folder: Path, out: Path) -> dict[str, bytes]:
    """The web edition's files and the EPUB, as written."""
    build_module.build(BuildOptions(folder, out, formats=('epub', 'html')))
    files = {f'html/{path.relative_to(out / "html")}': path.read_bytes()
             for path in sorted((out / 'html').rglob('*')) if path.is_file()}
    return {**files, 'epub': next(out.glob('*.epub')).read_bytes()}


def test_one_edited_chapter_makes_its_page_alone(write_book, tmp_path: Path, pages_made) -> None:
    folder = write_book(BOOK)
    build(folder, tmp_path / 'out')
    assert sorted(pages_made) == sorted(pages_made.epub) == ['Four', 'One', 'Three', 'Two']
    pages_made.clear()
    (folder / '02.md').write_text('# Two\n\nText two, edited "again".[^n]\n\n[^n]: A note.\n',
                                  encoding='utf-8')
    warm = build(folder, tmp_path / 'out')
    assert pages_made == pages_made.epub == ['Two']
    cold = build(folder, tmp_path / 'cold')  # a new output folder: every page made afresh
    assert warm == cold and b'edited \xe2\x80\x9cagain\xe2\x80\x9d' in warm['html/chapter-002.html']


def test_what_other_pages_show_makes_them_again(write_book, tmp_path: Path, pages_made) -> None:
    """A new title is in every page's contents and its neighbours' links; a moved target changes
    where the pages linking to it point."""
    folder = write_book(BOOK)
    build(folder, tmp_path / 'out')
    (folder / '02.md').write_text(BOOK['02.md'].replace('# Two', '# Two, retitled'), encoding='utf-8')
    pages_made.clear()
    warm = build(folder, tmp_path / 'out')
    assert sorted(pages_made) == ['Four', 'One', 'Three', 'Two, retitled']
    assert pages_made.epub == ['Two, retitled']  # an EPUB chapter shows no other chapter's title
    assert warm == build(folder, tmp_path / 'cold')
    assert b'Two, retitled \xe2\x86\x92</a>' in warm['html/chapter-001.html']  # its 'next' link

    (folder / '03.md').write_text('# Three\n\nText three.\n', encoding='utf-8')
    (folder / '04.md').write_text(BOOK['04.md'] + '\n## Target here {#target-here}\n\nMoved.\n',
                                  encoding='utf-8')
    pages_made.clear()
    warm = build(folder, tmp_path / 'out')
    assert sorted(pages_made) == ['Four', 'One', 'Three', 'Two, retitled']  # the contents moved too
    assert b'href="chapter-004.html#target-here"' in warm['html/chapter-001.html']
    assert warm == build(folder, tmp_path / 'cold-2')


def test_a_link_that_moves_alone_makes_the_page_that_holds_it(write_book, tmp_path: Path, pages_made) -> None:
    """The contents and titles unchanged, only where a link of chapter One leads."""
    folder = write_book({**BOOK, '03.md': '# Three\n\nText three. [Here]{#target-here}\n',
                         '04.md': BOOK['04.md'] + '\nMore text.\n'})
    build(folder, tmp_path / 'out')
    (folder / '03.md').write_text('# Three\n\nText three.\n', encoding='utf-8')
    (folder / '04.md').write_text(BOOK['04.md'] + '\nMore text. [Here]{#target-here}\n', encoding='utf-8')
    pages_made.clear()
    warm = build(folder, tmp_path / 'out')
    assert sorted(pages_made) == sorted(pages_made.epub) == ['Four', 'One', 'Three']
    assert b'href="chapter-004.html#target-here"' in warm['html/chapter-001.html']
    assert warm == build(folder, tmp_path / 'cold')
