"""The EPUB's XHTML documents: chapters, cover, title page, copyright page, font licence.

Each is a complete, well-formed document (ebooklib gets them as plain items,
never re-parsed). Links between chapters point into the file that holds the
target; where the PDF was made in the same run, a ``doc-pagebreak`` marker
stands where each printed page begins.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from makebook.epub.cover import CoverImage
from makebook.model import LEADING_TYPES, XML_NS, Chapter, Metadata, PrintPages, RenderedBook
from makebook.theme import faces
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    document,
    element,
    labelled,
    relink,
    title_page,
)

XHTML = 'application/xhtml+xml'
STYLESHEET = 'styles/book.css'
COVER = 'cover.xhtml'
TITLEPAGE = 'titlepage.xhtml'
COPYRIGHT = 'copyright.xhtml'
NAV = 'nav.xhtml'
FONT_LICENCE = 'font-licence.xhtml'


def contents(book: RenderedBook) -> list[Chapter]:
    """The chapters the table of contents lists (dedication and epigraph stay out of it)."""
    return [c for c in book.chapters if c.epub_type not in LEADING_TYPES]


def body_start(book: RenderedBook) -> Chapter:
    """Where the reader opens the book: the first body-matter chapter."""
    return next((c for c in book.chapters if c.kind == 'bodymatter'), book.chapters[0])


def href_for(book: RenderedBook, current: Chapter | None) -> Callable[[str], str]:
    def href(target_id: str) -> str:
        owner = book.chapter_of(target_id)
        if owner is None or owner is current:
            return f'#{target_id}'
        return f'{owner.file_name}#{target_id}'
    return href


def chapter_document(book: RenderedBook, chapter: Chapter, pages: PrintPages | None) -> bytes:
    section = chapter_element(chapter)
    relink(section, href_for(book, chapter))
    if pages is not None:
        mark_pages(section, pages)
    return document(book.metadata, chapter.title, [section], [STYLESHEET],
                    {'epub_type': chapter.kind})


def mark_pages(section: etree._Element, pages: PrintPages) -> None:
    """A pagebreak marker before each block that begins a printed page."""
    for block in list(section.iter()):
        folio = pages.folio_of(block.get('id', '')) if isinstance(block.tag, str) else None
        if folio is not None:
            marker = element('span', epub_type='pagebreak', role='doc-pagebreak', id=f'page-{folio}',
                             aria_label=folio)
            marker.tail = None
            block.addprevious(marker)


def cover_document(meta: Metadata, cover: CoverImage) -> bytes:
    """The cover on a page of its own, as an <img> (Kobo ignores CSS backgrounds)."""
    labels = meta.labels
    title = labels('title-subtitle', title=meta.title, subtitle=meta.subtitle) if meta.subtitle \
        else meta.title
    alt = labels('cover-alt', title=title, authors=labels.join([a.name for a in meta.creators], 'cover-alt'))
    box = element('div', class_='cover')
    labelled(child(box, 'img', src=cover.file_name, alt=alt, role='doc-cover', epub_type='cover'), meta,
             'cover-alt')
    return document(meta, labels('cover'), [box], [STYLESHEET], {'class': 'cover-page'})


def titlepage_document(book: RenderedBook) -> bytes:
    return document(book.metadata, book.metadata.title, [title_page(book.metadata)],
                    [STYLESHEET], {'epub_type': 'frontmatter'})


def copyright_document(book: RenderedBook) -> bytes:
    meta = book.metadata
    section = copyright_page(meta)
    used = faces.faces_for(book)
    names = meta.labels.join([face.family for face in used])
    # 'Set in {faces}, used under the {licence}.': the licences' names are the link.
    before, _, after = meta.labels('set-in', faces=names, licence='\0').partition('\0')
    note = labelled(child(section, 'p', before, class_='colophon'), meta, 'set-in')
    child(note, 'a', meta.labels.join(faces.licence_names(used)), href=FONT_LICENCE).tail = after
    return document(meta, meta.labels('copyright'), [section], [STYLESHEET], {'epub_type': 'frontmatter'})


def licence_document(book: RenderedBook) -> bytes:
    section = element('section', class_='licence', id='font-licence')
    meta = book.metadata
    used = faces.faces_for(book)
    key = 'font-licences' if len(used) > 1 else 'font-licence'
    title = meta.labels(key, face=used[0].family)
    labelled(child(section, 'h1', title), meta, key)
    for face in used:  # each embedded face with its own licence (OFL 1.1 §2)
        if len(used) > 1:
            child(section, 'h2', face.family)
        licence = child(section, 'pre', face.licence_text())
        licence.set('lang', 'en')  # the licence is English whatever the book's language
        licence.set(f'{{{XML_NS}}}lang', 'en')
        if meta.direction == 'rtl':
            licence.set('dir', 'ltr')
    return document(meta, title, [section], [STYLESHEET], {'epub_type': 'backmatter'})
