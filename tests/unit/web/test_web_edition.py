"""web_edition on a small rendered book: its files, its stylesheet and fonts, its one page."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from makebook.model import RenderedBook
from makebook.render import render_book
from makebook.source import read_manuscript
from makebook.theme import faces
from makebook.web import web_edition
from tests.tools import NESTED_BOOK, NS

X = '{http://www.w3.org/1999/xhtml}'


@pytest.fixture(scope='module')
def files(nested_book: RenderedBook) -> dict[str, bytes]:
    return dict(web_edition(nested_book))


@pytest.fixture(scope='module')
def page(files: dict[str, bytes]) -> etree._Element:
    return etree.fromstring(files['index.html'])


def test_the_edition_is_one_page_its_stylesheet_the_image_and_the_fonts_with_their_licence(
        files: dict[str, bytes]) -> None:
    face = faces.book_face()
    assert set(files) == {'index.html', 'style.css', 'red.png', 'fonts/LICENSE.txt',
                          *(f'fonts/{face.file_name(font)}' for font in face.files)}
    assert files['red.png'] == NESTED_BOOK['red.png']
    assert files['fonts/LICENSE.txt'] == face.licence.read_bytes()
    assert b'SIL OPEN FONT LICENSE' in files['fonts/LICENSE.txt'].upper()
    for font in face.files:
        assert files[f'fonts/{face.file_name(font)}'] == font.path.read_bytes()


def test_the_stylesheet_declares_every_font_file_it_ships(files: dict[str, bytes]) -> None:
    css = files['style.css'].decode()
    rules = re.findall(r"@font-face \{\n  font-family: '([^']+)';\n  font-weight: (\d+);\n"
                       r"  font-style: (\w+);\n  src: url\('([^']+)'\) format\('truetype'\);\n\}", css)
    face = faces.book_face()
    assert rules == [(face.family, str(font.weight), font.style, f'fonts/{face.file_name(font)}')
                     for font in face.files]
    assert css.startswith('@font-face')  # before the rules that use the family
    assert all(url in files for *_, url in rules)
    assert re.search(r"font-family: 'Source Serif Pro', [^;]*serif;", css)


def test_a_hebrew_book_ships_its_face_with_its_own_licence(write_book) -> None:
    text = '---\ntitle: T\nlang: he\n---\n# אחד\n\nשלום.\n'
    book = render_book(read_manuscript(write_book({'01.md': text})))
    hebrew = next(face for face in faces.script_faces() if face.script == 'hebrew')
    files = web_edition(book)
    assert files['fonts/LICENSE.txt'] == faces.book_face().licence.read_bytes()
    assert files['fonts/LICENSE-FrankRuhlLibre.txt'] == hebrew.licence.read_bytes()
    css = files['style.css'].decode()
    for font in hebrew.files:
        assert files[f'fonts/{hebrew.file_name(font)}'] == font.path.read_bytes()
        assert f"url('fonts/{hebrew.file_name(font)}')" in css
    assert not any('Amiri' in name for name in files)  # no Arabic: no Arabic face


def test_only_web_stylesheets_of_the_metadata_reach_the_web_edition(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\nweb-css: web-extra.css\nepub-css: epub-extra.css\n---\n# One\n\nText.\n',
        'web-extra.css': '.web-only { color: teal; }\n', 'epub-extra.css': '.epub-only { color: red; }\n'})))
    css = web_edition(book)['style.css'].decode()
    assert css.rstrip().endswith('.web-only { color: teal; }')  # last, so it wins
    assert 'epub-only' not in css


def test_the_page_links_its_stylesheet_and_is_made_for_small_screens(page: etree._Element) -> None:
    head = page.find(f'{X}head')
    assert head.findtext(f'{X}title') == 'The Test Book'
    assert head.find(f'{X}link').get('href') == 'style.css'
    assert head.find(f'{X}meta[@name="viewport"]').get('content') == 'width=device-width, initial-scale=1'
    assert page.get('lang') == 'en-GB'


def test_the_dedication_comes_before_the_contents_and_stays_out_of_them(page: etree._Element) -> None:
    body = page.find(f'{X}body')
    assert [(child.tag.removeprefix(X), child.get('class')) for child in body] == [
        ('header', 'book-header'), ('nav', 'toc'), ('main', None), ('footer', 'book-footer')]
    header = body.find(f'{X}header')
    assert [s.get('class') for s in header.iterfind(f'{X}section')] == ['titlepage', 'chapter dedication']
    assert header.find(f'.//{X}h1[@id="for-ann"]').text == 'For Ann'
    assert 'For Ann' not in [a.text for a in body.find(f'{X}nav').iter(f'{X}a')]
    assert body.find(f'{X}main').find('.//*[@id="for-ann"]') is None  # not twice


def contents(ol: etree._Element) -> list:
    return [(li.find('x:a', NS).text, li.find('x:a', NS).get('href'),
             contents(li.find('x:ol', NS)) if li.find('x:ol', NS) is not None else [])
            for li in ol.iterfind('x:li', NS)]


def test_the_contents_nest_parts_sub_chapters_and_sections_and_link_into_the_page(
        page: etree._Element) -> None:
    nav = page.find('.//x:nav[@id="contents"]', NS)
    assert nav.get('role') == 'doc-toc'
    assert contents(nav.find('x:ol', NS)) == [
        ('Introduction', '#introduction', [('Scope', '#scope', [])]),
        ('Part One', '#part-part-one', [
            ('Alpha', '#alpha', [('Alpha One', '#alpha-one', [('Detail', '#detail', [])])]),
            ('Beta', '#beta', [])]),
    ]
    ids = {node.get('id') for node in page.iter() if isinstance(node.tag, str) and node.get('id')}
    links = [a.get('href') for a in page.iter(f'{X}a')]
    assert all(href[1:] in ids for href in links if href.startswith('#'))
    assert len(links) >= 10
    part = page.find('.//x:main/x:h1[@id="part-part-one"]', NS)
    assert (part.text, part.get('class')) == ('Part One', 'part-title')
    assert part.getnext().find('x:h1', NS).get('id') == 'alpha'  # the part heads its first chapter


def test_links_and_images_of_the_text_point_into_the_page_and_the_folder(
        page: etree._Element, files: dict[str, bytes]) -> None:
    main = page.find('.//x:main', NS)
    assert [a.get('href') for a in main.iterfind('.//x:p/x:a', NS)] == [
        '#detail', '#fn-n', '#fnref-n', '#introduction']  # one page: every id is on it
    images = [img.get('src') for img in page.iter(f'{X}img')]
    assert images == ['red.png']
    assert all(src in files for src in images)
    assert [s.get('class') for s in main.iterfind('x:section', NS)] == [
        'chapter', 'chapter', 'chapter unnumbered subchapter', 'chapter']
    footer = page.find('.//x:footer/x:section', NS)
    assert footer.get('id') == 'copyright'
    assert 'Set in Source Serif Pro, used under the SIL Open Font License 1.1.' in [
        p.text for p in footer.iterfind('x:p', NS)]
    header = ' '.join(''.join(page.find('.//x:header', NS).itertext()).split())
    assert 'Translated by Ted Trans' in header  # on the title page, with his role


def test_two_calls_give_the_same_files(nested_book: RenderedBook, files: dict[str, bytes]) -> None:
    assert dict(web_edition(nested_book)) == files
