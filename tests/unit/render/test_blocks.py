"""Every top-level block gets an id in render, so every edition carries the same ones."""

from __future__ import annotations

from makebook.render import render_book
from makebook.render.blocks import with_block_ids
from makebook.source import read_manuscript

BOOK = ('---\ntitle: T\n---\n# Ded {.dedication}\n\nFor A.\n\n# One\n\nA.\n\nB.\n\nC.\n\n'
        '# Two\n\nD.[^n]\n\n[^n]: A note.\n')


def test_every_block_gets_an_id_once(write_book) -> None:
    book = render_book(read_manuscript(write_book({'01.md': BOOK})))
    ids = [block for chapter in book.chapters for block in chapter.blocks]
    # Headings keep their own ids; the footnotes section is not a block (notes float in print).
    assert ids == ['ded', 'pg-ded-2', 'one', 'pg-one-2', 'pg-one-3', 'pg-one-4', 'two', 'pg-two-2']
    assert all(with_block_ids(chapter) == chapter for chapter in book.chapters)  # kept, not renamed
    assert all(i in book.chapter_of(i).ids for i in ids)
    assert all(f'id="{i}"' in book.chapter_of(i).body for i in ids)
