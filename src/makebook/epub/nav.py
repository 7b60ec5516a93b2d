"""Navigation: the EPUB 3 nav document (contents, landmarks, page-list) and the NCX for
EPUB 2 readers and Kindle, which ebooklib writes and make-book completes."""

from __future__ import annotations

from typing import Any

from ebooklib import epub
from lxml import etree

from makebook.epub.documents import COVER, NAV, STYLESHEET, TITLEPAGE, body_start, contents
from makebook.model import Chapter, PrintPages, RenderedBook, TocNode, by_part, nest
from makebook.xhtml import child, document, element, labelled, toc_entry


def nav_document(book: RenderedBook, pages: PrintPages | None) -> bytes:
    """The EPUB 3 navigation document: TOC (chapters and their sections), landmarks, page-list."""
    meta = book.metadata
    toc = element('nav', epub_type='toc', id='toc', role='doc-toc')
    toc.set('aria-labelledby', 'toc-title')
    labelled(child(toc, 'h1', meta.labels('contents'), id='toc-title'), meta, 'contents')
    top = child(toc, 'ol')
    for part, chapters in by_part(tuple(contents(book))):
        entries = top
        if part is not None:  # <span> heading: a part has no page of its own in the EPUB
            part_item = child(top, 'li', class_='toc-part')
            child(part_item, 'span', part.title)
            entries = child(part_item, 'ol')
        _nav_chapters(entries, chapters)
    landmarks = element('nav', epub_type='landmarks', id='landmarks', hidden='hidden')
    landmarks.set('aria-labelledby', 'landmarks-title')
    labelled(child(landmarks, 'h2', meta.labels('landmarks'), id='landmarks-title'), meta, 'landmarks')
    marks = child(landmarks, 'ol')
    start = body_start(book)
    for kind, href, key in (('cover', COVER, 'cover'),
                            ('titlepage', TITLEPAGE, 'title-page'),
                            ('toc', f'{NAV}#toc', 'contents'),
                            ('bodymatter', f'{start.file_name}#{start.id}', 'start-of-content')):
        labelled(child(child(marks, 'li'), 'a', meta.labels(key), href=href, epub_type=kind), meta, key)
    navs = [toc, landmarks]
    if pages is not None and pages.breaks:
        page_list = element('nav', epub_type='page-list', id='page-list', role='doc-pagelist',
                            hidden='hidden')
        page_list.set('aria-labelledby', 'page-list-title')
        labelled(child(page_list, 'h2', meta.labels('pages'), id='page-list-title'), meta, 'pages')
        listed = child(page_list, 'ol')
        for folio, target in pages.breaks:
            owner = book.chapter_of(target)
            if owner is not None:
                child(child(listed, 'li'), 'a', folio, href=f'{owner.file_name}#page-{folio}')
        navs.append(page_list)
    return document(meta, meta.labels('contents'), navs, [STYLESHEET])


def _nav_chapters(entries: etree._Element, chapters: list[Chapter]) -> None:
    for node in nest(chapters):
        toc_entry(entries, node, lambda chapter, target: f'{chapter.file_name}#{target}')


def ncx_toc(book: RenderedBook) -> list[Any]:
    toc: list[Any] = []
    for part, chapters in by_part(tuple(contents(book))):
        entries = [_toc_entry(node) for node in nest(chapters)]
        if part is None:
            toc.extend(entries)
        else:  # an NCX entry needs a target: the part's first chapter
            first = chapters[0]
            toc.append((epub.Section(part.title, href=f'{first.file_name}#{first.id}'), entries))
    return toc


def _toc_entry(node: TocNode) -> Any:
    chapter, subchapters = node
    link = epub.Link(f'{chapter.file_name}#{chapter.id}', chapter.title, f'nav-{chapter.id}')
    if not chapter.sections and not subchapters:
        return link
    return (link, [epub.Link(f'{chapter.file_name}#{s.id}', s.title, f'nav-{s.id}')
                   for s in chapter.sections] + [_toc_entry(sub) for sub in subchapters])


def finish_ncx(data: bytes, book: RenderedBook, pages: PrintPages | None) -> bytes:
    """The NCX's real depth and, for EPUB 2 readers, the page list (ebooklib writes neither)."""
    ncx_ns = 'http://www.daisy.org/z3986/2005/ncx/'
    root = etree.fromstring(data)
    head = {m.get('name'): m for m in root.iterfind(f'{{{ncx_ns}}}head/{{{ncx_ns}}}meta')}
    point = f'{{{ncx_ns}}}navPoint'
    depth = max((sum(1 for _ in node.iterancestors(point)) + 1 for node in root.iter(point)), default=1)
    head['dtb:depth'].set('content', str(depth))
    owners = [(folio, book.chapter_of(target)) for folio, target in pages.breaks] if pages else []
    targets = [(folio, owner) for folio, owner in owners if owner is not None]
    if targets:
        numbers = [int(folio) for folio, _ in targets if folio.isdigit()]
        head['dtb:totalPageCount'].set('content', str(len(targets)))
        head['dtb:maxPageNumber'].set('content', str(max(numbers, default=0)))
        page_list = etree.SubElement(root, f'{{{ncx_ns}}}pageList')
        etree.SubElement(etree.SubElement(page_list, f'{{{ncx_ns}}}navLabel'),
                         f'{{{ncx_ns}}}text').text = book.metadata.labels('pages')
        for folio, owner in targets:
            target = etree.SubElement(page_list, f'{{{ncx_ns}}}pageTarget', id=f'page-target-{folio}',
                                      type='normal' if folio.isdigit() else 'front')
            if folio.isdigit():  # the NCX 'value' is a number; roman folios have only a label
                target.set('value', folio)
            etree.SubElement(etree.SubElement(target, f'{{{ncx_ns}}}navLabel'),
                             f'{{{ncx_ns}}}text').text = folio
            etree.SubElement(target, f'{{{ncx_ns}}}content', src=f'{owner.file_name}#page-{folio}')
    etree.indent(root)
    return etree.tostring(root, encoding='utf-8', xml_declaration=True)
