"""Markdown read as authors mean it, on real books built end to end (issue 12).

tests/books/commonmark-cases holds each of the ten misreadings of issue 12, written the way
CommonMark authors write (GitHub, mdBook); tests/books/commonmark-styles holds one book
written twice, nested by 4 spaces for Python-Markdown and by the item's text for CommonMark.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from lxml import etree

from makebook.cli import main
from tests.tools import BOOKS, NS, Epub, epubcheck_messages, make_book, run_epubcheck


@pytest.fixture(scope='module')
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Epub, str]:
    out = tmp_path_factory.mktemp('commonmark-cases')
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main([str(BOOKS / 'commonmark-cases'), '-o', str(out), '--format', 'epub,html'])
    assert status == 0, err.getvalue()
    return Epub(out / 'markdown-as-authors-write-it.epub'), err.getvalue()


def _count(document: etree._Element, xpath: str) -> int:
    return len(document.xpath(xpath, namespaces=NS))


def test_the_ten_cases_build_into_the_structure_their_author_means(cases: tuple[Epub, str]) -> None:
    epub, err = cases
    assert 'warning' not in err and 'error' not in err, err
    lists, code, headings = epub.chapter_documents()
    # Three chapters, no more: no '# ' line of code became one (case 3, the Rust book's quotes).
    assert len(epub.chapter_documents()) == 3
    assert _count(code, '//x:h1') == 1 and _count(headings, '//x:h1') == 1
    # 1: nested by 2 and by 3 spaces.
    assert _count(lists, '//x:ul/x:li/x:ul/x:li/x:ul/x:li[.="poppy seed"]') == 1
    assert _count(lists, '//x:ol/x:li/x:ol/x:li') == 2
    # 2: the second paragraph stays in its item, and the next item in the list.
    assert _count(lists, '//x:li[x:p[1]="The first step has two paragraphs."]/x:p') == 2
    # 4: a list right after a paragraph line.
    assert _count(lists, '//x:p[.="You need:"]/following-sibling::*[1][self::x:ul]/x:li') == 2
    # 9: 1) numbers a list, an empty item is an item, a change of bullet starts a new list.
    assert _count(lists, '//x:ol/x:li[.="first"]') == 1
    assert _count(lists, '//x:ul/x:li[not(node())]') == 1
    assert _count(lists, '//x:ul[x:li="a dash"]/following-sibling::*[1][self::x:ul]') == 1
    # 3: fences in a list item and in a quote are code, with their language.
    assert _count(code, '//x:li//x:pre/x:code[@class="language-sh"]') == 1
    assert _count(code, '//x:blockquote//x:pre/x:code[@class="language-rust"]') == 1
    # 7: a fence indented 2 spaces keeps its inner indentation; a longer fence closes one.
    python = code.xpath('string(//x:code[@class="language-python"])', namespaces=NS)
    assert python == 'def greet():\n    return "hi"\n'
    assert _count(code, '//x:pre[contains(., "closes with a longer fence")]') == 1
    # 8: two quotes stay two.
    assert _count(code, '//x:blockquote') == 3
    # 5, 6: '#1' is text; '---' under a one-line item or quote is a rule.
    assert _count(headings, '//x:p[starts-with(., "#1 priority")]') == 1
    assert _count(headings, '//x:ul/following-sibling::*[1][self::x:hr]') == 1
    assert _count(headings, '//x:blockquote/following-sibling::*[1][self::x:hr]') == 1
    # 9: a backslash at the end of a line breaks it.
    assert _count(headings, '//x:p[starts-with(., "Roses")]/x:br') == 1
    # 10: the caption keeps the emphasis, the alt text is plain; a title in parentheses.
    assert _count(headings, '//x:figcaption/x:em[.="very"]') == 1
    assert _count(headings, '//x:img[@alt="A very nice map"]') == 1
    assert _count(headings, '//x:a[@href="https://example.com"][@title="Example"]') == 1


def test_the_cases_book_passes_epubcheck(cases: tuple[Epub, str], tmp_path: Path) -> None:
    assert epubcheck_messages(run_epubcheck(cases[0].path, tmp_path)) == []


def test_a_python_markdown_manuscript_and_a_commonmark_one_make_the_same_book(capsys, tmp_path: Path) -> None:
    chapters = {}
    for style in ('python-markdown', 'commonmark'):
        run = make_book(capsys, BOOKS / 'commonmark-styles' / style, '-o', tmp_path / style,
                        '--format', 'epub')
        assert run.status == 0 and 'warning' not in run.err, run.err
        chapters[style] = Epub(tmp_path / style / 'two-ways-to-indent.epub').read('EPUB/chapter-001.xhtml')
    assert chapters['python-markdown'] == chapters['commonmark']
    garden = Epub(tmp_path / 'commonmark' / 'two-ways-to-indent.epub').chapter_documents()[0]
    assert _count(garden, '//x:ul/x:li/x:ul/x:li/x:ul/x:li') == 2  # nested three deep
    assert _count(garden, '//x:li/x:div[@class="highlight"]') == 2  # indented code, a fence
    assert garden.xpath('string(//x:li//x:pre)', namespaces=NS).startswith('soil = dig')  # no extra spaces
    assert _count(garden, '//x:li/x:blockquote') == 1
    assert _count(garden, '//x:dd/x:p') == 2
    assert _count(garden, '//x:aside[@epub:type="footnote"]/x:p') == 2
