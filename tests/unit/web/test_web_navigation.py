"""The web edition as a reader moves through it (issue 15): previous and next chapter and the
contents after every chapter; a long book a page per chapter, with the contents in a sidebar;
a measure of about 33em, ragged right unless the browser hyphenates."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from makebook.model import RenderedBook
from makebook.render import render_book
from makebook.source import read_manuscript
from makebook.web import LONG_BOOK_WORDS, is_long, web_edition
from tests.tools import NS

X = '{http://www.w3.org/1999/xhtml}'
WORDS = ['the', 'keeper', 'lit', 'the', 'lamp', 'at', 'dusk', 'and', 'wound', 'the', 'clockwork',
         'before', 'the', 'tide', 'turned', 'again']


def _long_book(write_book) -> RenderedBook:
    """Twelve chapters, enough words to be a long book; chapter 2 links into chapter 11."""
    paragraph = ' '.join(WORDS * 12)
    files = {'metadata.yaml': 'title: Long\nauthor: A\nlang: en\n'}
    for number in range(1, 13):
        body = '\n\n'.join([paragraph] * 15)
        link = '\n\nSee [the end](11.md#the-eleventh).' if number == 2 else ''
        anchor = ' {#the-eleventh}' if number == 11 else ''
        files[f'{number:02d}.md'] = f'# Chapter Called {number}{anchor}\n\n{body}{link}\n'
    return render_book(read_manuscript(write_book(files)))


def _links(page: etree._Element, class_: str) -> dict[str, str]:
    nav = page.find(f'.//x:nav[@class="{class_}"]', NS)
    return {a.get('class'): a.get('href') for a in nav.iterfind('x:a', NS)}


def test_a_short_book_is_one_page_each_chapter_ending_with_its_neighbours(nested_book) -> None:
    assert not is_long(nested_book)
    files = web_edition(nested_book)
    page = etree.fromstring(files['index.html'])
    ids = {node.get('id') for node in page.iter() if node.get('id')}
    navs = page.findall('.//x:main/x:section/x:nav[@class="chapter-nav"]', NS)
    assert len(navs) == len(page.findall('.//x:main/x:section', NS))
    first, *_, last = navs
    assert {a.get('class') for a in first.iterfind('x:a', NS)} == {'up', 'next'}
    assert {a.get('class') for a in last.iterfind('x:a', NS)} == {'prev', 'up'}
    for nav in navs:
        for link in nav.iterfind('x:a', NS):
            assert link.get('href')[1:] in ids  # every link lands on the page


def test_a_long_book_is_a_page_per_chapter_with_the_contents_beside_it(write_book) -> None:
    book = _long_book(write_book)
    assert is_long(book)
    files = web_edition(book)
    pages = sorted(name for name in files if name.startswith('chapter-'))
    assert len(pages) == 12 and 'index.html' in files
    index = etree.fromstring(files['index.html'])
    contents = [a.get('href') for a in index.iterfind('.//x:nav[@id="contents"]//x:a', NS)]
    assert contents[:2] == ['chapter-001.html', 'chapter-002.html']
    second = etree.fromstring(files['chapter-002.html'])
    assert second.find('.//x:body', NS).get('class') == 'chaptered'
    current = second.findall('.//x:nav[@class="toc sidebar"]//x:a[@aria-current="page"]', NS)
    assert [a.get('href') for a in current] == ['chapter-002.html']
    nav = _links(second, 'chapter-nav')
    assert nav == {'prev': 'chapter-001.html', 'up': 'index.html#contents', 'next': 'chapter-003.html'}
    # A link between chapters points into the other chapter's page.
    assert 'chapter-011.html' in [a.get('href') for a in second.find('.//x:main', NS).iter(f'{X}a')]
    last = etree.fromstring(files['chapter-012.html'])
    assert set(_links(last, 'chapter-nav')) == {'prev', 'up'}


def test_the_threshold_is_a_long_book_s() -> None:
    assert 20_000 <= LONG_BOOK_WORDS <= 40_000


@pytest.fixture(scope='module')
def css(nested_book) -> str:
    return web_edition(nested_book)['style.css'].decode()


def test_the_measure_is_about_33em_and_text_is_ragged_unless_hyphenated(css: str) -> None:
    assert re.search(r'body \{ max-width: 33em;', css)
    assert re.search(r'\np \{[^}]*text-align: left;', css)
    assert re.search(r'@supports \(hyphens: auto\)[^{]*\{\s*p \{ text-align: justify; hyphens: auto;', css)
    assert re.search(r'a, code \{ overflow-wrap: anywhere; \}', css)
    assert re.search(r'nav\.toc a \{ color: inherit;', css)
