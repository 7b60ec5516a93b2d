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
from makebook.model import LEADING_TYPES, XHTML_NS, XML_NS, Chapter, Metadata, PrintPages, RenderedBook
from makebook.theme import faces
from makebook.xhtml import chapter_element, child, copyright_page, document, element, relink, title_page

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
    alt = f'Cover of {meta.title}' + (f': {meta.subtitle}' if meta.subtitle else '') \
        + f', by {meta.author_line}'
    box = element('div', class_='cover')
    english(child(box, 'img', src=cover.file_name, alt=alt, role='doc-cover', epub_type='cover'), meta)
    return document(meta, 'Cover', [box], [STYLESHEET], {'class': 'cover-page'})


def titlepage_document(book: RenderedBook) -> bytes:
    return document(book.metadata, book.metadata.title, [title_page(book.metadata)],
                    [STYLESHEET], {'epub_type': 'frontmatter'})


def copyright_document(book: RenderedBook) -> bytes:
    section = copyright_page(book.metadata)
    families = [face.family for face in faces.faces_for(book)]
    names = ' and '.join([', '.join(families[:-1]), families[-1]] if len(families) > 1 else families)
    note = child(section, 'p', f'Set in {names}, used under the ', class_='colophon')
    child(note, 'a', 'SIL Open Font License 1.1', href=FONT_LICENCE).tail = '.'
    for line in section.iter(f'{{{XHTML_NS}}}p'):
        if (line.text or '').startswith(_ENGLISH_LINES):
            english(line, book.metadata)
    return document(book.metadata, 'Copyright', [section], [STYLESHEET], {'epub_type': 'frontmatter'})


def english(node: etree._Element, meta: Metadata) -> etree._Element:
    """Mark make-book's own English words in a book in another language (WCAG 3.1.2)."""
    if not meta.language.lower().startswith('en'):
        node.set('lang', 'en')
        node.set(f'{{{XML_NS}}}lang', 'en')
        if meta.direction == 'rtl':
            node.set('dir', 'ltr')
    return node


# The copyright page's own words, in front of the book's data.
_ENGLISH_LINES = ('Edited by ', 'Translated by ', 'Illustrated by ', 'Published ', 'ISBN ',
                  'Identifier: ', 'Set in ')


def licence_document(book: RenderedBook) -> bytes:
    section = element('section', class_='licence', id='font-licence')
    used = faces.faces_for(book)
    child(section, 'h1', 'Font licences' if len(used) > 1 else f'{used[0].family}: licence')
    for face in used:  # each embedded face with its own licence (OFL 1.1 §2)
        if len(used) > 1:
            child(section, 'h2', face.family)
        child(section, 'pre', face.licence.read_text(encoding='utf-8'))
    section.set('lang', 'en')  # the licence is English whatever the book's language
    section.set(f'{{{XML_NS}}}lang', 'en')
    if book.metadata.direction == 'rtl':
        section.set('dir', 'ltr')
    return document(book.metadata, 'Font licence', [section], [STYLESHEET],
                    {'epub_type': 'backmatter'})
