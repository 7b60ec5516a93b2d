"""Where printed pages begin, from the ids WeasyPrint laid out on each page."""

from __future__ import annotations

from makebook.pdf.pages import print_pages
from makebook.render import render_book
from makebook.source import read_manuscript

BOOK = '---\ntitle: T\n---\n# Ded {.dedication}\n\nFor A.\n\n# One\n\nA.\n\nB.\n\nC.\n\n# Two\n\nD.\n'


def test_folios_follow_the_printed_numbers(write_book) -> None:
    book = render_book(read_manuscript(write_book({'01.md': BOOK})))  # block ids given in render
    # title, dedication (roman, no folio), contents 'iii', blank, One, One cont. '2', Two.
    anchors = [['titlepage'], ['ded', 'pg-ded-2'], ['contents'], [], ['one', 'pg-one-2'],
               ['pg-one-3', 'pg-one-4'], ['two', 'pg-two-2']]
    folios = [None, None, 'iii', None, None, '2', None]
    pages = print_pages(book, anchors, folios)
    assert pages.breaks == (('ii', 'ded'), ('1', 'one'), ('2', 'pg-one-3'), ('3', 'two'))
    assert pages.folio_of('two') == '3'
    assert pages.source == book.metadata.identifier


def test_a_paragraph_running_over_a_page_does_not_invent_a_break(write_book) -> None:
    book = render_book(read_manuscript(write_book({'01.md': BOOK})))  # block ids given in render
    anchors = [['ded', 'pg-ded-2', 'one', 'pg-one-2', 'pg-one-3'], [], ['pg-one-4', 'two', 'pg-two-2']]
    pages = print_pages(book, anchors, ['1', '2', '3'])
    assert pages.breaks == (('1', 'ded'), ('3', 'pg-one-4'))


def test_without_a_printed_arabic_folio_the_first_chapter_is_page_one(write_book) -> None:
    text = '---\ntitle: T\n---\n# One\n\nA.\n\nB.\n\n# Two\n\nC.\n'
    book = render_book(read_manuscript(write_book({'01.md': text})))
    # No page prints a number: counting starts at the first chapter's page.
    anchors = [['titlepage'], ['contents'], ['one', 'pg-one-2'], ['pg-one-3'], ['two', 'pg-two-2']]
    pages = print_pages(book, anchors)
    assert pages.breaks == (('1', 'one'), ('2', 'pg-one-3'), ('3', 'two'))


def test_the_first_block_in_reading_order_marks_the_page_whatever_order_the_ids_come_in(write_book) -> None:
    book = render_book(read_manuscript(write_book({'01.md': BOOK})))
    anchors = [['pg-one-2', 'one', 'pg-ded-2', 'ded'], ['pg-one-4', 'pg-one-3'], ['two']]
    pages = print_pages(book, anchors, ['1', '2', '3'])
    assert pages.breaks == (('1', 'ded'), ('2', 'pg-one-3'), ('3', 'two'))
    assert pages.folio_of('pg-one-4') is None  # it begins on a page another block began


def test_the_page_source_is_the_print_isbn_when_there_is_one(write_book) -> None:
    text = BOOK.replace('title: T\n', 'title: T\nisbn: 0-306-40615-2\n')
    book = render_book(read_manuscript(write_book({'01.md': text})))
    assert print_pages(book, [['one']], ['1']).source == 'urn:isbn:0306406152'
