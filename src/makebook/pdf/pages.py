"""Print page numbers for the EPUB, taken from the PDF laid out in the same run.

Every top-level block of every chapter has an id (render/blocks.py), so
WeasyPrint's ``Page.anchors`` tells on which printed page each block begins.
The first block that begins on a page marks where that page starts; the EPUB
writer puts a ``doc-pagebreak`` marker there and lists it in the page-list.
The folio is the one printed on the page: lower-case roman numerals in the
front matter, arabic from 1 where the first printed arabic folio says the
count starts (chapter openers and blank pages print none, so they are counted).
"""

from __future__ import annotations

from collections.abc import Sequence

from makebook.model import PrintPages, RenderedBook


def print_pages(book: RenderedBook, anchors: Sequence[Sequence[str]],
                folios: Sequence[str | None] = ()) -> PrintPages:
    """Page breaks from the ids laid out on each PDF page (``anchors[i]``: page i's ids).

    ``folios[i]`` is the number printed on page i, if any: the first arabic one
    tells where the arabic numbering starts (openers and blank pages print none).
    """
    order = [block for chapter in book.chapters for block in chapter.blocks]
    position = {element_id: index for index, element_id in enumerate(order)}
    page_of: dict[str, int] = {}
    for page, ids in enumerate(anchors):
        for element_id in ids:
            page_of.setdefault(element_id, page)
    printed = next(((page, int(folio)) for page, folio in enumerate(folios)
                    if folio is not None and folio.isdigit()), None)
    if printed is not None:
        body_start = printed[0] - printed[1] + 1
    else:  # no arabic folio printed anywhere: the first chapter is page 1
        body_start = page_of.get(book.chapters[0].id, 0) if book.chapters else 0
    first_on_page: dict[int, str] = {}
    for element_id in order:
        begins_on = page_of.get(element_id)
        if begins_on is not None and begins_on not in first_on_page:
            first_on_page[begins_on] = element_id
    breaks = tuple((_folio(page, body_start), element_id)
                   for page, element_id in sorted(first_on_page.items(),
                                                  key=lambda item: position[item[1]]))
    meta = book.metadata
    return PrintPages(breaks=breaks, source=f'urn:isbn:{meta.isbn}' if meta.isbn else meta.identifier)


def _folio(page: int, body_start: int) -> str:
    return str(page - body_start + 1) if page >= body_start else _roman(page + 1)


def _roman(number: int) -> str:
    numerals = (('m', 1000), ('cm', 900), ('d', 500), ('cd', 400), ('c', 100), ('xc', 90),
                ('l', 50), ('xl', 40), ('x', 10), ('ix', 9), ('v', 5), ('iv', 4), ('i', 1))
    out = ''
    for letters, value in numerals:
        while number >= value:
            out += letters
            number -= value
    return out
