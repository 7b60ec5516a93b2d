"""The page geometry the print stylesheet gets from the book (pdf/geometry.py): trim, mirrored
margins, the gutter by page count, the running title, bleed and black ink for the print shop."""

from __future__ import annotations

import dataclasses
import re

import pytest

from makebook.config.trim import TRIM_PRESETS
from makebook.model import PrintSettings, RenderedBook
from makebook.pdf.geometry import GUTTER_STEPS, estimate_pages, gutter_extra, margins, page_css


def with_metadata(book: RenderedBook, **changes) -> RenderedBook:
    return dataclasses.replace(book, metadata=dataclasses.replace(book.metadata, **changes))


def page_margins(css: str) -> dict[str, tuple[float, ...]]:
    """The four margins (top, right, bottom, left) of '@page', '@page :left' and '@page :right'."""
    length = r' ([0-9.]+)in'
    found = re.findall(rf'@page( :left| :right)? \{{ margin:{length * 4}; \}}', css)
    return {side.strip() or 'all': tuple(float(v) for v in values) for side, *values in found}


def test_the_page_is_the_trim_and_the_margins_mirror_with_the_gutter_at_the_spine(nested_book) -> None:
    book = with_metadata(nested_book, trim=TRIM_PRESETS['6x9'])
    css = page_css(book, 120)
    assert '@page { size: 6in 9in; }' in css
    found = page_margins(css)
    expected = margins(TRIM_PRESETS['6x9'], 120)
    top, right, bottom, left = found[':left']  # a verso: the spine is on its right
    assert (top, bottom, left, right) == (expected.top, expected.bottom, expected.outer, expected.inner)
    assert found[':right'] == (expected.top, expected.outer, expected.bottom, expected.inner)
    assert found['all'] == found[':right']
    assert expected.outer >= expected.inner - 0.001  # a thin book: the outer margin at least the inner


def test_the_gutter_widens_in_steps_as_the_page_count_grows() -> None:
    assert [gutter_extra(n) for n in (1, 150, 151, 300, 301, 500, 501, 700, 701, 5000)] == [
        0.0, 0.0, 0.125, 0.125, 0.25, 0.25, 0.375, 0.375, 0.5, 0.5]
    assert [extra for _, extra in GUTTER_STEPS] == sorted(extra for _, extra in GUTTER_STEPS)
    trim = TRIM_PRESETS['5.5x8.5']
    assert margins(trim, 501).inner - margins(trim, 150).inner == pytest.approx(0.375)


@pytest.mark.parametrize(('title', 'written'), [
    ('Plain', 'Plain'),
    ('Say "When"', 'Say \\"When\\"'),
    ('Back\\slash', 'Back\\\\slash'),
])
def test_the_running_title_is_a_css_string_whatever_the_title_holds(nested_book, title: str,
                                                                    written: str) -> None:
    css = page_css(with_metadata(nested_book, title=title), 100)
    assert f'html {{ string-set: book-title "{written}"; }}' in css


def test_print_ready_adds_bleed_crop_marks_and_black_ink(nested_book) -> None:
    plain = page_css(nested_book, 100)
    assert 'bleed' not in plain and 'device-cmyk' not in plain
    ready = page_css(with_metadata(nested_book, print_settings=PrintSettings(print_ready=True)), 100)
    assert '@page { bleed: 0.125in; marks: crop; }' in ready
    assert 'html { color: device-cmyk(0 0 0 1); }' in ready
    cmyk = page_css(with_metadata(nested_book, print_settings=PrintSettings(pdf_variant='pdf/x-1a')), 100)
    assert 'device-cmyk(0 0 0 1)' in cmyk and 'bleed' not in cmyk  # PDF/X-1a: CMYK, no bleed unless asked


def test_the_page_estimate_grows_with_the_text_and_shrinks_with_a_larger_page(nested_book) -> None:
    base = estimate_pages(nested_book)
    assert base >= 8 + 2 * len(nested_book.chapters)  # front matter and an opener per chapter at least
    longer = dataclasses.replace(nested_book, chapters=(*nested_book.chapters, dataclasses.replace(
        nested_book.chapters[-1], body='<section>' + 'word ' * 20000 + '</section>')))
    assert estimate_pages(longer) > base + 2 + 20
    assert estimate_pages(with_metadata(longer, trim=TRIM_PRESETS['letter'])) < estimate_pages(longer)


def test_the_page_estimate_gives_each_short_block_a_line_of_its_own(nested_book) -> None:
    """3,500 one-word list items fill about a hundred pages (35 lines a page), not the one their
    characters would: a guess that far off laid a long list out twice, once for the wrong gutter."""
    base = estimate_pages(nested_book)
    listed = dataclasses.replace(nested_book, chapters=(*nested_book.chapters, dataclasses.replace(
        nested_book.chapters[-1], body='<section><ul>' + '<li>item</li>\n' * 3500 + '</ul></section>')))
    assert 95 <= estimate_pages(listed) - base - 2 <= 105
    table = '<table>' + '<tr><td>a</td><td>b</td></tr>' * 3500 + '</table>'  # a row is a line
    tabled = dataclasses.replace(listed, chapters=(*nested_book.chapters, dataclasses.replace(
        nested_book.chapters[-1], body=f'<section>{table}</section>')))
    assert estimate_pages(tabled) == estimate_pages(listed)


def test_the_page_estimate_counts_a_cjk_character_as_two_latin_letters(nested_book) -> None:
    """A Chinese character is set an em wide, a Latin letter about half of one: counted as one,
    a Chinese book's pages were guessed at half their number (and laid out again, for the gutter)."""
    def with_text(text: str) -> int:
        chapter = dataclasses.replace(nested_book.chapters[-1], body=f'<section><p>{text}</p></section>')
        return estimate_pages(dataclasses.replace(nested_book, chapters=(*nested_book.chapters, chapter)))

    base = estimate_pages(nested_book) + 2
    latin, chinese = with_text('abcde ' * 20000) - base, with_text('灯塔的光扫过' * 20000) - base
    assert 1.8 * latin <= chinese <= 2.2 * latin
