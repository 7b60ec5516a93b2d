"""Where printed pages begin, from the ids WeasyPrint laid out on each page."""

from __future__ import annotations

from makebook.manuscript import read_manuscript
from makebook.pagination import block_ids, print_pages, with_block_ids
from makebook.render import render_book

BOOK = '---\ntitle: T\n---\n# Ded {.dedication}\n\nFor A.\n\n# One\n\nA.\n\nB.\n\nC.\n\n# Two\n\nD.\n'


def test_every_block_gets_an_id_once(write_book) -> None:
    book = with_block_ids(render_book(read_manuscript(write_book({'01.md': BOOK}))))
    ids = block_ids(book)
    assert ids == ['ded', 'pg-ded-2', 'one', 'pg-one-2', 'pg-one-3', 'pg-one-4', 'two', 'pg-two-2']
    assert with_block_ids(book) == book  # ids already there are kept
    assert all(i in book.chapter_of(i).ids for i in ids)


def test_folios_follow_the_printed_numbers(write_book) -> None:
    book = with_block_ids(render_book(read_manuscript(write_book({'01.md': BOOK}))))
    # title, dedication (roman, no folio), contents 'iii', blank, One, One cont. '2', Two.
    anchors = [['titlepage'], ['ded', 'pg-ded-2'], ['contents'], [], ['one', 'pg-one-2'],
               ['pg-one-3', 'pg-one-4'], ['two', 'pg-two-2']]
    folios = [None, None, 'iii', None, None, '2', None]
    pages = print_pages(book, anchors, folios)
    assert pages.breaks == (('ii', 'ded'), ('1', 'one'), ('2', 'pg-one-3'), ('3', 'two'))
    assert pages.folio_of('two') == '3'
    assert pages.source == book.metadata.identifier


def test_a_paragraph_running_over_a_page_does_not_invent_a_break(write_book) -> None:
    book = with_block_ids(render_book(read_manuscript(write_book({'01.md': BOOK}))))
    anchors = [['ded', 'pg-ded-2', 'one', 'pg-one-2', 'pg-one-3'], [], ['pg-one-4', 'two', 'pg-two-2']]
    pages = print_pages(book, anchors, ['1', '2', '3'])
    assert pages.breaks == (('1', 'ded'), ('3', 'pg-one-4'))
