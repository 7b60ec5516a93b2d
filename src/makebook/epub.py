"""Stage 5a: the EPUB 3 edition. The only module that imports ebooklib.

ebooklib writes the package document, the NCX and the zip. Its sharp edges are
wrapped here (see ../shared/reference/exemplars.md §1.6):

* it re-parses ``EpubHtml`` content and silently empties a chapter it cannot
  parse, so our documents go in as plain ``EpubItem``s, already well-formed;
* its nav is minimal, so ``nav.xhtml`` is built here (TOC to level 2,
  landmarks, page-list);
* its ``add_author`` writes ``file-as`` with a MARC scheme, so creators are
  written here;
* its identifier is random and its zip entries carry the current time, so the
  identifier is ours and the archive is re-packed with fixed times and order;
* ``write_epub`` swallows errors unless asked to raise.

Reading order: cover, title page, copyright page, dedication and epigraph,
contents, then the chapters. Every cover signal readers look for is written
(manifest ``cover-image``, ``<meta name="cover">``, ``cover.xhtml`` first in
the spine, a ``cover`` landmark and an EPUB 2 ``<guide>`` entry), since each
reader trusts a different one (field notes §2.7).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tempfile
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path

from ebooklib import epub
from lxml import etree

from makebook import accessibility, faces, stylesheets, theme
from makebook.config import Author, Metadata
from makebook.cover import CoverImage, cover_image
from makebook.errors import OutputError
from makebook.pagination import PrintPages
from makebook.render import XHTML_NS, XML_NS, Chapter, RenderedBook, TocNode, by_part, nest
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    document,
    element,
    relink,
    title_page,
    toc_entry,
)

XHTML = 'application/xhtml+xml'
STYLESHEET = 'styles/book.css'
COVER = 'cover.xhtml'
TITLEPAGE = 'titlepage.xhtml'
COPYRIGHT = 'copyright.xhtml'
NAV = 'nav.xhtml'
OPF = 'EPUB/content.opf'
NCX = 'EPUB/toc.ncx'
FONT_LICENCE = 'font-licence.xhtml'
# Front matter that comes before the table of contents and stays out of it.
_BEFORE_CONTENTS = ('dedication', 'epigraph')


def write_epub(book: RenderedBook, pages: PrintPages | None = None) -> bytes:
    """The EPUB file's bytes; identical for identical input.

    ``pages``, when the PDF was made in the same run, adds print page markers,
    the page-list and the metadata naming the print edition.
    """
    package = _package(book, pages)
    with tempfile.TemporaryDirectory(prefix='make-book-') as folder:
        target = Path(folder) / 'book.epub'
        options = {
            'raise_exceptions': True,
            'epub3_landmark': False,  # our nav.xhtml has the landmarks
            'epub3_pages': False,  # and the page-list
            # ebooklib formats this with a literal 'Z': it must be UTC.
            'mtime': book.metadata.modified.astimezone(dt.UTC).replace(tzinfo=None),
        }
        try:
            written = epub.write_epub(str(target), package, options)
        except Exception as exc:  # ebooklib raises bare Exceptions of many kinds
            raise OutputError(f'ebooklib could not write the EPUB: {exc}') from exc
        if written is False or not target.is_file():
            raise OutputError('ebooklib could not write the EPUB')
        return _reproducible_zip(target.read_bytes(), book.metadata.modified,
                                 {OPF: lambda data: _finish_opf(data, book.metadata),
                                  NCX: lambda data: _finish_ncx(data, book, pages)})


def _finish_ncx(data: bytes, book: RenderedBook, pages: PrintPages | None) -> bytes:
    """The NCX's real depth and, for EPUB 2 readers, the page list (ebooklib writes neither)."""
    ncx_ns = 'http://www.daisy.org/z3986/2005/ncx/'
    root = etree.fromstring(data)
    head = {m.get('name'): m for m in root.iterfind(f'{{{ncx_ns}}}head/{{{ncx_ns}}}meta')}
    point = f'{{{ncx_ns}}}navPoint'
    depth = max((sum(1 for _ in node.iterancestors(point)) + 1 for node in root.iter(point)), default=1)
    head['dtb:depth'].set('content', str(depth))
    targets = [(folio, book.chapter_of(target)) for folio, target in pages.breaks] if pages else []
    targets = [(folio, owner) for folio, owner in targets if owner is not None]
    if targets:
        numbers = [int(folio) for folio, _ in targets if folio.isdigit()]
        head['dtb:totalPageCount'].set('content', str(len(targets)))
        head['dtb:maxPageNumber'].set('content', str(max(numbers, default=0)))
        page_list = etree.SubElement(root, f'{{{ncx_ns}}}pageList')
        etree.SubElement(etree.SubElement(page_list, f'{{{ncx_ns}}}navLabel'),
                         f'{{{ncx_ns}}}text').text = 'Pages'
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


def _finish_opf(data: bytes, meta: Metadata) -> bytes:
    """The package's own language and direction, which ebooklib cannot set (Ace: epub-lang)."""
    root = etree.fromstring(data)
    root.set(f'{{{XML_NS}}}lang', meta.language)
    if meta.direction == 'rtl':
        root.set('dir', 'rtl')
    return etree.tostring(root, encoding='utf-8', xml_declaration=True, pretty_print=True)


def _package(book: RenderedBook, pages: PrintPages | None) -> epub.EpubBook:
    meta = book.metadata
    cover = _unique_name(cover_image(meta), {asset.href for asset in book.assets})
    package = epub.EpubBook()
    _describe(package, meta)
    found = accessibility.facts(book, page_list=bool(pages and pages.breaks))
    for prop, value in accessibility.package_metadata(found):
        attributes = {'property': prop}
        if prop == 'schema:accessibilitySummary' and not meta.language.lower().startswith('en'):
            attributes[f'{{{XML_NS}}}lang'] = 'en'  # make-book writes the summary in English
        package.add_metadata(None, 'meta', value, attributes)
    if pages and pages.breaks:
        package.add_metadata('DC', 'source', pages.source)
        package.add_metadata(None, 'meta', pages.source, {'property': 'pageBreakSource'})
    if meta.direction == 'rtl':
        package.set_direction('rtl')  # spine page-progression-direction

    used = faces.faces_for(book)  # the book face and the faces of the scripts the book uses
    _add(package, 'css', STYLESHEET, 'text/css',
         (_stylesheet(used) + stylesheets.css_for(meta.stylesheets, 'epub')).encode())
    font_files = {f'fonts/{face.file_name(font)}': font.path for face in used for font in face.files}
    for index, (href, path) in enumerate(font_files.items(), start=1):
        _add(package, f'font-{index}', href, 'font/ttf', path.read_bytes())
    for index, asset in enumerate(book.assets, start=1):
        _add(package, f'image-{index}', asset.href, asset.media_type, asset.source.read_bytes())
    image = epub.EpubCover(uid='cover-image', file_name=cover.file_name)
    image.media_type = cover.media_type
    image.content = cover.data
    package.add_item(image)
    # Nook reads name before content (standardebooks/tools #577): keep this order.
    package.add_metadata(None, 'meta', '', OrderedDict([('name', 'cover'), ('content', 'cover-image')]))

    cover_page = _add(package, 'cover', COVER, XHTML, _cover_document(meta, cover))
    titlepage = _add(package, 'titlepage', TITLEPAGE, XHTML, _titlepage_document(book))
    copyright_ = _add(package, 'copyright', COPYRIGHT, XHTML, _copyright_document(book))
    # The OFL asks that the licence travel with the font: a page linked from the copyright page.
    licence = _add(package, 'font-licence', FONT_LICENCE, XHTML, _licence_document(book))
    nav = _add(package, 'nav', NAV, XHTML, _nav_document(book, pages), properties=['nav'])
    chapters = [
        _add(package, f'chapter-{index:03d}', chapter.file_name, XHTML,
             _chapter_document(book, chapter, pages), properties=['mathml'] if chapter.has_math else None)
        for index, chapter in enumerate(book.chapters, start=1)
    ]
    package.add_item(epub.EpubNcx())  # else ebooklib's <spine toc="ncx"> points at nothing
    package.toc = _ncx_toc(book)
    before = _leading_count(book)
    package.spine = [cover_page, titlepage, copyright_, *chapters[:before], nav, *chapters[before:],
                     (licence, 'no')]
    start = _body_start(book)
    package.guide = [
        {'type': 'cover', 'href': COVER, 'title': 'Cover'},
        {'type': 'title-page', 'href': TITLEPAGE, 'title': 'Title Page'},
        {'type': 'copyright-page', 'href': COPYRIGHT, 'title': 'Copyright'},
        {'type': 'toc', 'href': NAV, 'title': 'Contents'},
        {'type': 'text', 'href': start.file_name, 'title': start.title},
    ]
    return package


def _unique_name(cover: CoverImage, taken: set[str]) -> CoverImage:
    """The cover under a name no image of the text uses (an author may show the cover inside)."""
    stem, dot, suffix = cover.file_name.rpartition('.')
    name, number = cover.file_name, 1
    while name in taken:
        name, number = f'{stem}-{number}{dot}{suffix}', number + 1
    return dataclasses.replace(cover, file_name=name)


def _describe(package: epub.EpubBook, meta: Metadata) -> None:
    """Dublin Core and EPUB 3 refinements: identifiers, creators, series, subjects."""
    package.set_identifier(meta.identifier)
    package.title = meta.title  # ebooklib's NCX docTitle
    package.add_metadata('DC', 'title', meta.title, {'id': 'title'})
    package.set_language(meta.language)
    if meta.isbn and meta.identifier != f'urn:isbn:{meta.isbn}':
        package.add_metadata('DC', 'identifier', f'urn:isbn:{meta.isbn}', {'id': 'isbn'})
    if meta.identifier.startswith('urn:isbn:') and len(meta.isbn or '') == 13:
        # ONIX code list 5, value 15: ISBN-13; stores read the identifier's type here.
        package.add_metadata(None, 'meta', '15', {'refines': '#id', 'property': 'identifier-type',
                                                  'scheme': 'onix:codelist5'})
    # The subtitle stays on the cover and title page: a second dc:title, even
    # typed 'subtitle', is run into the title by Calibre and most stores.
    for number, author in enumerate(meta.authors, start=1):
        _creator(package, author, number)
    for name, value in (('publisher', meta.publisher), ('rights', meta.rights),
                        ('description', meta.description), ('date', meta.date)):
        if value:
            package.add_metadata('DC', name, value)
    for subject in meta.subjects:
        package.add_metadata('DC', 'subject', subject)
    if meta.series:
        package.add_metadata(None, 'meta', meta.series, {'property': 'belongs-to-collection',
                                                         'id': 'series'})
        package.add_metadata(None, 'meta', 'series', {'refines': '#series',
                                                      'property': 'collection-type'})
        if meta.series_index:
            package.add_metadata(None, 'meta', meta.series_index, {'refines': '#series',
                                                                   'property': 'group-position'})


def _creator(package: epub.EpubBook, author: Author, number: int) -> None:
    """Authors and editors are dc:creator (primary); translators, illustrators... dc:contributor."""
    uid = f'creator-{number}'
    primary = author.role in ('aut', 'edt')
    package.add_metadata('DC', 'creator' if primary else 'contributor', author.name, {'id': uid})
    package.add_metadata(None, 'meta', author.role, {'refines': f'#{uid}', 'property': 'role',
                                                     'scheme': 'marc:relators'})
    if author.file_as:
        package.add_metadata(None, 'meta', author.file_as, {'refines': f'#{uid}', 'property': 'file-as'})
    package.add_metadata(None, 'meta', str(number), {'refines': f'#{uid}', 'property': 'display-seq'})


def _add(package: epub.EpubBook, uid: str, href: str, media_type: str, content: bytes,
         properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=href, media_type=media_type, content=content)
    item.properties = properties or []
    package.add_item(item)
    return item


def _stylesheet(used: tuple[faces.Face, ...]) -> str:
    fonts = faces.font_face_css(used, lambda face, font: f'../fonts/{face.file_name(font)}')
    return fonts + theme.edition_stylesheet('epub.css')


def _contents(book: RenderedBook) -> list[Chapter]:
    return [c for c in book.chapters if c.epub_type not in _BEFORE_CONTENTS]


def _leading_count(book: RenderedBook) -> int:
    """How many chapters (dedication, epigraph) come before the contents."""
    count = 0
    for chapter in book.chapters:
        if chapter.epub_type not in _BEFORE_CONTENTS:
            break
        count += 1
    return count


def _body_start(book: RenderedBook) -> Chapter:
    """Where the reader opens the book: the first body-matter chapter."""
    return next((c for c in book.chapters if c.kind == 'bodymatter'), book.chapters[0])


def _href_for(book: RenderedBook, current: Chapter | None):
    def href(target_id: str) -> str:
        owner = book.chapter_of(target_id)
        if owner is None or owner is current:
            return f'#{target_id}'
        return f'{owner.file_name}#{target_id}'
    return href


def _chapter_document(book: RenderedBook, chapter: Chapter, pages: PrintPages | None) -> bytes:
    section = chapter_element(chapter)
    relink(section, _href_for(book, chapter))
    if pages is not None:
        _mark_pages(section, pages)
    return document(book.metadata, chapter.title, [section], [STYLESHEET],
                    {'epub_type': chapter.kind})


def _mark_pages(section: etree._Element, pages: PrintPages) -> None:
    """A pagebreak marker before each block that begins a printed page."""
    for block in list(section.iter()):
        folio = pages.folio_of(block.get('id', '')) if isinstance(block.tag, str) else None
        if folio is not None:
            marker = element('span', epub_type='pagebreak', role='doc-pagebreak', id=f'page-{folio}',
                             aria_label=folio)
            marker.tail = None
            block.addprevious(marker)


def _cover_document(meta: Metadata, cover: CoverImage) -> bytes:
    """The cover on a page of its own, as an <img> (Kobo ignores CSS backgrounds)."""
    alt = f'Cover of {meta.title}' + (f': {meta.subtitle}' if meta.subtitle else '') \
        + f', by {meta.author_line}'
    box = element('div', class_='cover')
    _english(child(box, 'img', src=cover.file_name, alt=alt, role='doc-cover', epub_type='cover'), meta)
    return document(meta, 'Cover', [box], [STYLESHEET], {'class': 'cover-page'})


def _titlepage_document(book: RenderedBook) -> bytes:
    return document(book.metadata, book.metadata.title, [title_page(book.metadata)],
                    [STYLESHEET], {'epub_type': 'frontmatter'})


def _copyright_document(book: RenderedBook) -> bytes:
    section = copyright_page(book.metadata)
    families = [face.family for face in faces.faces_for(book)]
    names = ' and '.join([', '.join(families[:-1]), families[-1]] if len(families) > 1 else families)
    note = child(section, 'p', f'Set in {names}, used under the ', class_='colophon')
    child(note, 'a', 'SIL Open Font License 1.1', href=FONT_LICENCE).tail = '.'
    for line in section.iter(f'{{{XHTML_NS}}}p'):
        if (line.text or '').startswith(_ENGLISH_LINES):
            _english(line, book.metadata)
    return document(book.metadata, 'Copyright', [section], [STYLESHEET], {'epub_type': 'frontmatter'})


def _english(node: etree._Element, meta: Metadata) -> etree._Element:
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


def _licence_document(book: RenderedBook) -> bytes:
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


def _nav_document(book: RenderedBook, pages: PrintPages | None) -> bytes:
    """The EPUB 3 navigation document: TOC (chapters and their sections), landmarks, page-list."""
    toc = element('nav', epub_type='toc', id='toc', role='doc-toc')
    toc.set('aria-labelledby', 'toc-title')
    _english(child(toc, 'h1', 'Contents', id='toc-title'), book.metadata)
    top = child(toc, 'ol')
    for part, chapters in by_part(tuple(_contents(book))):
        entries = top
        if part is not None:  # <span> heading: a part has no page of its own in the EPUB
            part_item = child(top, 'li', class_='toc-part')
            child(part_item, 'span', part.title)
            entries = child(part_item, 'ol')
        _nav_chapters(entries, chapters)
    landmarks = element('nav', epub_type='landmarks', id='landmarks', hidden='hidden')
    landmarks.set('aria-labelledby', 'landmarks-title')
    _english(child(landmarks, 'h2', 'Landmarks', id='landmarks-title'), book.metadata)
    marks = child(landmarks, 'ol')
    start = _body_start(book)
    for kind, href, label in (('cover', COVER, 'Cover'),
                              ('titlepage', TITLEPAGE, 'Title Page'),
                              ('toc', f'{NAV}#toc', 'Contents'),
                              ('bodymatter', f'{start.file_name}#{start.id}', 'Start of Content')):
        _english(child(child(marks, 'li'), 'a', label, href=href, epub_type=kind), book.metadata)
    navs = [toc, landmarks]
    if pages is not None and pages.breaks:
        page_list = element('nav', epub_type='page-list', id='page-list', role='doc-pagelist',
                            hidden='hidden')
        page_list.set('aria-labelledby', 'page-list-title')
        _english(child(page_list, 'h2', 'Pages', id='page-list-title'), book.metadata)
        listed = child(page_list, 'ol')
        for folio, target in pages.breaks:
            owner = book.chapter_of(target)
            if owner is not None:
                child(child(listed, 'li'), 'a', folio, href=f'{owner.file_name}#page-{folio}')
        navs.append(page_list)
    return document(book.metadata, 'Contents', navs, [STYLESHEET])


def _nav_chapters(entries: etree._Element, chapters: list[Chapter]) -> None:
    for node in nest(chapters):
        toc_entry(entries, node, lambda chapter, target: f'{chapter.file_name}#{target}')


def _ncx_toc(book: RenderedBook) -> list:
    toc: list = []
    for part, chapters in by_part(tuple(_contents(book))):
        entries = [_toc_entry(node) for node in nest(chapters)]
        if part is None:
            toc.extend(entries)
        else:  # an NCX entry needs a target: the part's first chapter
            first = chapters[0]
            toc.append((epub.Section(part.title, href=f'{first.file_name}#{first.id}'), entries))
    return toc


def _toc_entry(node: TocNode):
    chapter, subchapters = node
    link = epub.Link(f'{chapter.file_name}#{chapter.id}', chapter.title, f'nav-{chapter.id}')
    if not chapter.sections and not subchapters:
        return link
    return (link, [epub.Link(f'{chapter.file_name}#{s.id}', s.title, f'nav-{s.id}')
                   for s in chapter.sections] + [_toc_entry(sub) for sub in subchapters])


def _reproducible_zip(data: bytes, modified: dt.datetime,
                      rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """Re-pack: 'mimetype' first and stored, then entries in name order, all at one time.

    ``rewrite`` maps an entry's name to a function giving its new content.
    """
    rewrite = rewrite or {}
    stamp = max(modified.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in source.namelist() if n != 'mimetype']
    names.sort(key=lambda n: (n != 'META-INF/container.xml', n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as target:
        entries = [('mimetype', zipfile.ZIP_STORED)] + [(n, zipfile.ZIP_DEFLATED) for n in names]
        for name, compression in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds the book
            content = source.read(name)
            if name in rewrite:
                content = rewrite[name](content)
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()
