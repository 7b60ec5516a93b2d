"""Accessibility claims follow the book's content; the generated cover follows its metadata."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from makebook.epub import accessibility
from makebook.epub.cover import CoverImage, cover_image, typographic_cover
from makebook.render import render_book
from makebook.source import read_manuscript

PNG = Image.new('RGB', (4, 4), (10, 20, 30))


def png_bytes(kind: str = 'PNG') -> bytes:
    out = io.BytesIO()
    PNG.save(out, kind)
    return out.getvalue()


def claims(write_book, body: str, *, page_list: bool = False) -> dict[str, list[str]]:
    book = render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nlang: en\n---\n# One\n\n{body}\n', 'a.png': png_bytes(),
        'b.gif': png_bytes('GIF')})))  # a real GIF: images are measured
    out: dict[str, list[str]] = {}
    for prop, value in accessibility.package_metadata(accessibility.facts(book, page_list=page_list)):
        out.setdefault(prop, []).append(value)
    return out


def test_text_only_book_qualifies(write_book) -> None:
    found = claims(write_book, 'Just text.')
    assert found['schema:accessibilityHazard'] == ['none']
    assert found['dcterms:conformsTo'] == [accessibility.CONFORMANCE]
    assert 'alternativeText' in found['schema:accessibilityFeature']  # the cover's
    assert 'printPageNumbers' not in found['schema:accessibilityFeature']
    assert 'Footnotes' not in found['schema:accessibilitySummary'][0]


def test_an_image_without_alt_text_withdraws_the_claims(write_book) -> None:
    found = claims(write_book, '![](a.png)')
    assert 'alternativeText' not in found['schema:accessibilityFeature']
    assert 'dcterms:conformsTo' not in found
    assert found['schema:accessModeSufficient'] == ['textual,visual']
    assert '1 image lacks a text description' in found['schema:accessibilitySummary'][0]


def test_described_images_table_notes_and_pages(write_book) -> None:
    body = '![A red square](a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNote.[^n]\n\n[^n]: A note.'
    found = claims(write_book, body, page_list=True)
    assert found['schema:accessModeSufficient'] == ['textual', 'textual,visual']
    assert {'alternativeText', 'printPageNumbers', 'pageNavigation'} <= set(
        found['schema:accessibilityFeature'])
    summary = found['schema:accessibilitySummary'][0]
    for words in ('Every image has a text description', 'Every table has header cells',
                  'Page numbers of the print edition', 'Footnotes are linked'):
        assert words in summary


def test_gifs_may_flash_so_no_hazard_free_claim(write_book) -> None:
    found = claims(write_book, '![A moving thing](b.gif)')
    assert 'none' not in found['schema:accessibilityHazard']
    assert 'unknownFlashingHazard' in found['schema:accessibilityHazard']
    assert 'dcterms:conformsTo' not in found


@pytest.fixture
def metadata(write_book):
    return read_manuscript(write_book({'01.md': '---\ntitle: A Title\nsubtitle: Sub\nauthor: [A, B]\n'
                                                 'lang: en\n---\n# One\n\nText.\n'})).metadata


def test_generated_cover_is_a_stable_jpeg(metadata) -> None:
    first = typographic_cover(metadata)
    assert first == typographic_cover(metadata)
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ('JPEG', (1600, 2560))
    assert typographic_cover(dataclasses.replace(metadata, title='Another Title')) != first
    assert cover_image(metadata) == CoverImage(first, 'image/jpeg', 'images/cover.jpg')


def test_a_given_cover_is_used_as_is(write_book) -> None:
    book = write_book({'01.md': '---\ntitle: T\ncover-image: art/front.png\n---\n# One\n\nText.\n',
                       'art/front.png': png_bytes()})
    cover = cover_image(read_manuscript(book).metadata)
    assert cover == CoverImage(png_bytes(), 'image/png', 'images/cover.png')


def test_the_cover_file_never_takes_the_name_of_an_image_in_the_text(write_book, tmp_path) -> None:
    from makebook.cli import main
    from tests.tools import Epub
    book = write_book({'01.md': '---\ntitle: T\ncover-image: images/cover.png\n---\n# One\n\n'
                                '![The cover](images/cover.png)\n',
                       'images/cover.png': png_bytes()})
    assert main([str(book), '-o', str(tmp_path / 'out'), '-q', '-f', 'epub']) == 0
    epub = Epub(tmp_path / 'out' / 't.epub')
    hrefs = [item.get('href') for item in epub.manifest().values()]
    assert len(hrefs) == len(set(hrefs))
    assert {'images/cover.png', 'images/cover-1.png'} <= set(hrefs)


def test_a_chinese_title_is_drawn_in_the_cjk_face_made_for_it() -> None:
    from makebook.epub.cover import _font_path

    title, _ = _font_path(600, 'normal', '灯塔日记 ECMAScript 6', 'zh-TW')
    author, _ = _font_path(400, 'normal', '林海', 'zh-TW')
    assert title.name.startswith('NotoSansCJKtc-700-') and author.name.startswith('NotoSansCJKtc-400-')
    assert _font_path(600, 'normal', 'A Latin Title', 'zh-TW')[0].name.startswith('SourceSerifPro')
    # No CJK 'lang' (a GitBook that gives none): the letters tell, ideographs alone Chinese.
    assert _font_path(600, 'normal', 'ECMAScript 6 入门', 'en')[0].name.startswith('NotoSansCJKsc-700-')
