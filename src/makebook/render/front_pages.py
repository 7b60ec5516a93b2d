"""Dedication and epigraph from the metadata, as the same front-matter divisions
a manuscript heading makes (``# For Ann {.dedication}``).

An author may write them either way: as ``dedication:``, ``epigraph:`` and
``epigraph-source:`` metadata keys, or as a level-1 heading with the class (or
``epub:type``) ``dedication`` or ``epigraph``. Both become a
:class:`~makebook.model.Chapter` of that ``epub_type`` at the head of the
book, so the EPUB, the PDF and the web edition place them alike (before the
contents, out of it). A heading in the manuscript wins over the key.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from makebook.model import XHTML_NS, Chapter, RenderedBook
from makebook.xhtml import element

# A heading the division needs (navigation, bookmarks) but the page does not show.
HIDDEN_TITLE = 'front-title-hidden'


def with_metadata_front_pages(book: RenderedBook) -> RenderedBook:
    """The book with its metadata dedication and epigraph as leading divisions."""
    settings = book.metadata.print_settings
    labels = book.metadata.labels
    present = {chapter.epub_type for chapter in book.chapters}
    made = []
    if settings.dedication and 'dedication' not in present:
        made.append(_division(book, 'dedication', labels('dedication'), [_para(settings.dedication)]))
    if settings.epigraph and 'epigraph' not in present:
        quote = etree.Element(f'{{{XHTML_NS}}}blockquote')
        quote.append(_para(settings.epigraph))
        content = [quote]
        if settings.epigraph_source:
            content.append(_para(f'— {settings.epigraph_source}', 'epigraph-source'))
        made.append(_division(book, 'epigraph', labels('epigraph'), content))
    if not made:
        return book
    return dataclasses.replace(book, chapters=(*made, *book.chapters))


def _para(text: str, class_: str | None = None) -> etree._Element:
    para = etree.Element(f'{{{XHTML_NS}}}p')
    para.text = text
    if class_:
        para.set('class', class_)
    return para


def _division(book: RenderedBook, kind: str, title: str, content: list[etree._Element]) -> Chapter:
    taken: set[str] = set().union(*(chapter.ids for chapter in book.chapters))
    heading_id = next(i for i in (kind, f'mb-{kind}', f'mb-{kind}-page') if i not in taken)
    section = element('section', class_=f'chapter {kind}', epub_type=kind, role=f'doc-{kind}')
    heading = etree.SubElement(section, f'{{{XHTML_NS}}}h1')
    heading.set('id', heading_id)
    heading.set('class', HIDDEN_TITLE)
    heading.text = title
    section.extend(content)
    return Chapter(id=heading_id, file_name=f'chapter-000-{kind}.xhtml', title=title, number=None,
                   source='metadata', body=etree.tostring(section, encoding='unicode'),
                   ids=frozenset({heading_id}), kind='frontmatter', epub_type=kind)
