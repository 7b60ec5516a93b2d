"""The print edition's HTML and settings, without laying out a page (fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyphen
import pytest
from lxml import etree, html

from makebook.config.metadata import build_metadata
from makebook.config.print_settings import with_overrides
from makebook.config.trim import TRIM_PRESETS
from makebook.model import XHTML_NS, PrintOverrides, PrintSettings
from makebook.pdf.document import print_html
from makebook.pdf.geometry import gutter_extra, margins, running_title
from makebook.pdf.notes import collect_book_notes, footnotes_at_page_foot
from makebook.pdf.splits import NoteSplit, apply_splits, cut_after_words
from makebook.render import render_book
from makebook.source import read_manuscript

X = {'x': XHTML_NS}
WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
BOOK = ('---\ntitle: T\nauthor: A\nlang: en\n{extra}---\n'
        '# One\n\nA call.[^a] Another.[^b]\n\n## Head[^c]\n\n| x |\n|---|\n| cell[^d] |\n\n'
        '[^a]: First *note*.\n[^b]: Second note.\n\n    Its second paragraph.\n'
        '[^c]: In a heading.\n[^d]: In a cell.\n\n'
        '# Two {.unnumbered}\n\nNo notes.\n')


def rendered(write_book, extra: str = ''):
    return render_book(read_manuscript(write_book({'book.md': BOOK.replace('{extra}', extra)})))


def parsed(markup: str):
    return html.document_fromstring(markup)


def test_notes_move_to_their_calls_and_lose_their_numbers(write_book) -> None:
    book = rendered(write_book)
    section = etree.fromstring(book.chapters[0].body)
    assert footnotes_at_page_foot(section) == 4
    assert section.find('.//x:section', X) is None  # the endnote block is gone
    assert section.find('.//x:a[@class="noteref"]', X) is None  # WeasyPrint numbers the calls
    notes = section.findall('.//x:span[@class="footnote"]', X)
    assert [''.join(n.itertext()).strip() for n in notes] == [
        'First note.', 'Second note.Its second paragraph.', 'In a heading.', 'In a cell.']
    first = notes[0]
    assert first.getparent().tag == f'{{{XHTML_NS}}}p'
    assert first.tail.startswith(' Another.')
    assert first.find('.//x:em', X) is not None  # inline markup kept
    assert notes[2].getparent().tag == f'{{{XHTML_NS}}}h2'
    assert notes[2].getparent().get('data-label') == 'Head'  # its bookmark, without the note
    assert notes[3].getparent().tag == f'{{{XHTML_NS}}}td'
    # No block element inside a note: the HTML parser would close the paragraph.
    assert not [n for n in notes[1].iter() if etree.QName(n).localname in ('p', 'div', 'aside')]


def test_the_print_document_keeps_the_epub_chapters_untouched(write_book) -> None:
    book = rendered(write_book)
    before = book.chapters[0].body
    document = parsed(print_html(book))
    assert book.chapters[0].body == before  # the EPUB still gets its pop-up asides
    assert 'aside' in before
    assert len(document.findall('.//span[@class="footnote"]')) == 4
    labels = [p.text for p in document.findall('.//p[@class="chapter-number"]')]
    assert labels == ['Chapter 1']  # the unnumbered chapter has none


def test_front_matter_from_the_metadata(write_book) -> None:
    extra = 'dedication: For B.\nepigraph: Words.\nepigraph-source: C\nchapter-label: Part {n}\n'
    document = parsed(print_html(rendered(write_book, extra)))
    order = [s.get('class') for s in document.find('body')]
    assert order[:6] == ['halftitle', 'titlepage', 'copyright', 'dedication', 'epigraph', 'toc']
    assert document.find('.//p[@class="chapter-number"]').text == 'Part 1'
    assert document.find('.//p[@class="epigraph-source"]').text == '— C'


@pytest.mark.parametrize('mode', ['chapter-endnotes', 'book-endnotes'])
def test_endnote_modes(write_book, mode: str) -> None:
    document = parsed(print_html(rendered(write_book, f'notes: {mode}\n')))
    assert document.find('.//span[@class="footnote"]') is None
    asides = document.findall('.//aside')
    assert len(asides) == 4
    if mode == 'book-endnotes':
        back = document.find('body')[-1]
        assert back.get('class') == 'chapter unnumbered endnotes'
        assert all(back in a.iterancestors() for a in asides)
        assert 'Notes' in [a.text for a in document.findall('.//nav//a')]
    else:
        assert document.find('.//h2[@class="notes-title"]') is not None


def test_collect_book_notes_without_notes_is_none() -> None:
    section = etree.fromstring(f'<section xmlns="{XHTML_NS}"><h1>A</h1><p>x</p></section>')
    assert collect_book_notes([(section, 'A')]) is None


def test_print_settings_are_validated_with_their_line() -> None:
    meta, problems = build_metadata({'title': 'T', 'lang': 'en', 'author': 'A', 'notes': 'margin',
                                     'print-ready': 'yes'}, {'notes': 7}, Path('m.md'), WHEN)
    assert meta is None
    messages = [str(p) for p in problems]
    assert any('m.md:7' in m and 'footnotes, chapter-endnotes, book-endnotes' in m for m in messages)
    assert any("'print-ready': expected true or false" in m for m in messages)


def test_command_line_overrides_the_metadata() -> None:
    settings = with_overrides(PrintSettings(notes='book-endnotes'),
                              PrintOverrides(notes='footnotes', pdf_variant=None, print_ready=True))
    assert settings.notes == 'footnotes'
    assert settings.variant == 'pdf/x-4'  # print-ready means PDF/X-4 unless told otherwise
    assert PrintSettings().variant is None
    assert PrintSettings().tagged
    assert PrintSettings(pdf_variant='pdf/x-1a', print_ready=True).variant == 'pdf/x-1a'
    assert not PrintSettings(pdf_variant='none').tagged


def test_long_running_heads_are_cut_at_a_natural_break_or_else_at_a_word() -> None:
    from makebook.theme.page import running_head

    trim = TRIM_PRESETS['5.5x8.5']
    assert running_title('Short', trim) == 'Short'
    assert running_head('The Story Behind the Film: Development and Direction', trim) == (
        'The Story Behind the Film', True)
    assert running_head('The Keeper’s Year, and the Long Way Back Across the Water Home', trim) == (
        'The Keeper’s Year', True)
    long = 'A Chapter Whose Title Is Much Too Long to Fit in a Running Head at the Top'
    cut, natural = running_head(long, trim)
    assert not natural and cut.endswith('…') and long.startswith(cut[:-1])
    assert len(running_title(long, TRIM_PRESETS['letter'])) > len(cut)  # wider page, more room


def test_margins_scale_with_the_trim_and_the_gutter_grows_with_pages() -> None:
    small, large = margins(TRIM_PRESETS['5x8'], 100), margins(TRIM_PRESETS['letter'], 100)
    assert small.outer < large.outer
    assert small.top < large.top
    thin, thick = margins(TRIM_PRESETS['6x9'], 120), margins(TRIM_PRESETS['6x9'], 420)
    assert thick.inner > thin.inner
    assert thick.outer == thin.outer
    assert [gutter_extra(n) for n in (100, 200, 400, 600, 800)] == sorted(
        gutter_extra(n) for n in (100, 200, 400, 600, 800))
    assert thin.outer >= thin.inner  # a thin book: the outer margin at least the inner
    assert thick.inner > thick.outer  # a thick one: its spine eats into the gutter


def test_regional_language_tags_find_a_hyphenation_dictionary() -> None:
    """WeasyPrint asks pyphen.language_fallback(lang): fr-CA and en-GB must resolve."""
    assert pyphen.language_fallback('fr-CA') == 'fr'
    assert pyphen.language_fallback('en-GB') == 'en_GB'


@pytest.mark.parametrize('mode', ['footnotes', 'chapter-endnotes'])
def test_a_note_in_a_chapter_title_stays_out_of_the_contents(write_book, mode: str) -> None:
    book = render_book(read_manuscript(write_book({'book.md': (
        f'---\ntitle: T\nauthor: A\nlang: en\nnotes: {mode}\n---\n'
        '# Title[^t]\n\nText.\n\n[^t]: About the title.\n')})))
    document = parsed(print_html(book))
    assert [a.text for a in document.findall('.//nav//a')] == ['Title']
    heading = document.xpath('//section[contains(@class, "chapter")]/h1')[0]
    assert heading.get('data-running') == 'Title'
    assert heading.get('data-label') == 'Title'


def _note(markup: str) -> etree._Element:
    return etree.fromstring(f'<span xmlns="http://www.w3.org/1999/xhtml" class="footnote" '
                            f'id="fn-a">{markup}</span>')


def test_a_note_is_cut_at_a_word_keeping_its_markup() -> None:
    note = _note('One two <em>three four</em> five <a href="#x">six seven</a> eight.')
    rest = cut_after_words(note, 3)
    assert ''.join(note.itertext()).split() == ['One', 'two', 'three']
    assert ''.join(rest.itertext()).split() == ['four', 'five', 'six', 'seven', 'eight.']
    assert rest.find(f'{{{XHTML_NS}}}em').text == 'four'  # the italic goes on
    assert rest.find(f'{{{XHTML_NS}}}a').get('href') == '#x'
    assert note.find(f'{{{XHTML_NS}}}a') is None  # nothing left of it before the cut
    assert cut_after_words(_note('One two.'), 2) is None  # nothing to continue


def test_the_continuation_is_anchored_after_the_first_word_of_the_next_page() -> None:
    body = etree.fromstring(
        '<body xmlns="http://www.w3.org/1999/xhtml"><p id="p1">Before the call.'
        '<span class="footnote" id="fn-a">Alpha beta gamma delta.</span> The text goes on '
        'and the next page begins here with these words.</p></body>')
    apply_splits(body, [NoteSplit('fn-a', 2, 'p1', 'begins here with')])
    ids = [(n.get('id'), ''.join(n.itertext())) for n in body.iter() if n.get('id', '').startswith('fn')]
    assert ids == [('fn-a', 'Alpha beta'), ('fn-a-cont', 'gamma delta.')]
    paragraph = ''.join(body.find('.//*[@id="p1"]').itertext())
    assert 'next page beginsgamma delta. here' in paragraph  # after the page's first word
