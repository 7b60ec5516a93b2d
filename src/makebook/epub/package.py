"""The EPUB package: ebooklib's book object filled in, and the archive made reproducible.

Dublin Core and EPUB 3 refinements (identifiers, creators with roles and
file-as, series, subjects), accessibility metadata worked out from the book,
the fonts and images, every cover signal readers look for, the reading order
and the EPUB 2 guide. ebooklib's zip carries the current time and its own
order, so it is re-packed with fixed times and 'mimetype' first.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import io
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping

from ebooklib import epub
from lxml import etree

from makebook.cache import Cache, describe
from makebook.config.stylesheets import css_for
from makebook.epub import accessibility
from makebook.epub.cover import CoverImage, cover_image
from makebook.epub.documents import (
    COPYRIGHT,
    COVER,
    FONT_LICENCE,
    NAV,
    STYLESHEET,
    TITLEPAGE,
    XHTML,
    body_start,
    chapter_document,
    copyright_document,
    cover_document,
    href_for,
    licence_document,
    titlepage_document,
)
from makebook.epub.nav import nav_document, ncx_toc
from makebook.model import XML_NS, Author, Metadata, PrintPages, RenderedBook, leading
from makebook.theme import deflated, edition_stylesheet, faces
from makebook.xhtml import link_targets, undated

# The cache's namespace for the chapters' documents (cache.py): one entry a chapter, so a save
# makes the edited chapter's document alone.
CACHE_NAMESPACE = 'epub/chapter'


def build_package(book: RenderedBook, pages: PrintPages | None, cache: Cache | None = None,
                  ahead: Callable[[bytes], bytes] | None = None) -> epub.EpubBook:
    """ebooklib's book, every document in it; ``cache``, when given, keeps each chapter's document
    while nothing it shows changes (made afresh when ``pages`` marks the print edition's pages).
    ``ahead`` is given the fonts' and images' bytes as soon as they are known (a
    :meth:`Deflater.ahead`, which starts deflating them) and gives them back."""
    meta = book.metadata
    ahead = ahead or _as_is
    cover = _unique_name(cover_image(meta), {asset.href for asset in book.assets})
    package = epub.EpubBook()
    _describe(package, meta)
    found = accessibility.facts(book, page_list=bool(pages and pages.breaks))
    english_summary = accessibility.in_english(meta.language) and not meta.language.lower().startswith('en')
    for prop, value in accessibility.package_metadata(found, meta.language):
        attributes = {'property': prop}
        if prop == 'schema:accessibilitySummary' and english_summary:
            attributes[f'{{{XML_NS}}}lang'] = 'en'  # no translation for the book's language
        package.add_metadata(None, 'meta', value, attributes)
    if pages and pages.breaks:
        package.add_metadata('DC', 'source', pages.source)
        package.add_metadata(None, 'meta', pages.source, {'property': 'pageBreakSource'})
    if meta.direction == 'rtl':
        package.set_direction('rtl')  # spine page-progression-direction

    used = faces.faces_for(book)  # the book face and the faces of the scripts the book uses
    fit = faces.fit_spaces(used)
    _add(package, 'css', STYLESHEET, 'text/css',
         (_stylesheet(used) + css_for(meta.stylesheets, 'epub')).encode())
    font_files = {f'fonts/{face.file_name(font)}': (face, font) for face in used for font in face.files}
    for index, (href, (face, font)) in enumerate(font_files.items(), start=1):
        _add(package, f'font-{index}', href, f'font/{"otf" if href.endswith(".otf") else "ttf"}',
             ahead(faces.font_data(face, font, faces.book_characters(book), used)))
    for index, asset in enumerate(book.assets, start=1):
        _add(package, f'image-{index}', asset.href, asset.media_type, ahead(asset.content()))
    image = epub.EpubCover(uid='cover-image', file_name=cover.file_name)
    image.media_type = cover.media_type
    image.content = ahead(cover.data)
    package.add_item(image)
    # Nook reads name before content (standardebooks/tools #577): keep this order.
    package.add_metadata(None, 'meta', '', OrderedDict([('name', 'cover'), ('content', 'cover-image')]))

    cover_page = _add(package, 'cover', COVER, XHTML, _fitted(fit, cover_document(meta, cover)))
    titlepage = _add(package, 'titlepage', TITLEPAGE, XHTML, _fitted(fit, titlepage_document(book)))
    copyright_ = _add(package, 'copyright', COPYRIGHT, XHTML, _fitted(fit, copyright_document(book)))
    # The OFL asks that the licence travel with the font: a page linked from the copyright page.
    licence = _add(package, 'font-licence', FONT_LICENCE, XHTML, licence_document(book))
    nav = _add(package, 'nav', NAV, XHTML, _fitted(fit, nav_document(book, pages)), properties=['nav'])
    documents = _chapter_documents(book, pages, fit, cache or Cache.off(), describe(used))
    chapters = [
        _add(package, f'chapter-{index:03d}', chapter.file_name, XHTML, document,
             properties=['mathml'] if chapter.has_math else None)
        for index, (chapter, document) in enumerate(zip(book.chapters, documents, strict=True), start=1)
    ]
    package.add_item(epub.EpubNcx())  # else ebooklib's <spine toc="ncx"> points at nothing
    package.toc = ncx_toc(book)
    before = leading(book.chapters)
    package.spine = [cover_page, titlepage, copyright_, *chapters[:before], nav, *chapters[before:],
                     (licence, 'no')]
    start = body_start(book)
    labels = meta.labels
    package.guide = [
        {'type': 'cover', 'href': COVER, 'title': labels('cover')},
        {'type': 'title-page', 'href': TITLEPAGE, 'title': labels('title-page')},
        {'type': 'copyright-page', 'href': COPYRIGHT, 'title': labels('copyright')},
        {'type': 'toc', 'href': NAV, 'title': labels('contents')},
        {'type': 'text', 'href': start.file_name, 'title': start.title},
    ]
    return package


def _chapter_documents(book: RenderedBook, pages: PrintPages | None, fit: Callable[[str], str],
                       cache: Cache, faces_used: str) -> list[bytes]:
    """Each chapter's document, reused from ``cache`` while all it shows is unchanged: the
    metadata (but its date), the faces, the chapter, and the file each of its links leads to."""
    if pages is not None:  # the print edition's page markers, from this very run
        return [_fitted(fit, chapter_document(book, chapter, pages)) for chapter in book.chapters]
    context = cache.key('epub/book', describe(undated(book.metadata)), faces_used)
    documents = []
    for chapter in book.chapters:
        link = href_for(book, chapter)
        key = cache.key(CACHE_NAMESPACE, context, describe(chapter),
                        describe([link(target) for target in link_targets(chapter.body)]))
        stored = cache.load(CACHE_NAMESPACE, key)
        if isinstance(stored, str):
            documents.append(stored.encode('utf-8'))
            continue
        document = _fitted(fit, chapter_document(book, chapter, None))
        cache.store(CACHE_NAMESPACE, key, document.decode('utf-8'))
        documents.append(document)
    return documents


def _as_is(content: bytes) -> bytes:
    return content


def _fitted(fit: Callable[[str], str], document: bytes) -> bytes:
    """An XHTML document with its spaces fitted to the book face (faces.fit_spaces)."""
    return fit(document.decode('utf-8')).encode('utf-8')


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
    return fonts + faces.with_families(edition_stylesheet('epub.css'), used)


def finish_opf(data: bytes, meta: Metadata) -> bytes:
    """The package's own language and direction, which ebooklib cannot set (Ace: epub-lang)."""
    root = etree.fromstring(data)
    root.set(f'{{{XML_NS}}}lang', meta.language)
    if meta.direction == 'rtl':
        root.set('dir', 'rtl')
    return etree.tostring(root, encoding='utf-8', xml_declaration=True, pretty_print=True)


def reproducible_zip(data: bytes, modified: dt.datetime,
                      rewrite: Mapping[str, Callable[[bytes], bytes]] | None = None,
                      deflater: Deflater | None = None) -> bytes:
    """Re-pack: 'mimetype' first and stored, then entries in name order, all at one time.

    ``rewrite`` maps an entry's name to a function giving its new content; ``deflater``, when
    given, deflates the entries in its threads (those it was given ahead already under way).
    """
    rewrite = rewrite or {}
    stamp = max(modified.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = stamp.timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in source.namelist() if n != 'mimetype']
    names.sort(key=lambda n: (n != 'META-INF/container.xml', n))
    contents = {name: source.read(name) for name in ['mimetype', *names]}
    for name, change in rewrite.items():
        if name in contents:
            contents[name] = change(contents[name])
    if deflater is not None:
        for name in names:  # all under way before the first is written
            deflater.ahead(contents[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as target:
        entries = [('mimetype', zipfile.ZIP_STORED)] + [(n, zipfile.ZIP_DEFLATED) for n in names]
        for name, compression in entries:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds the book
            content = contents[name]
            packed = None
            if deflater is not None and compression == zipfile.ZIP_DEFLATED:
                packed = deflater.deflated(content)
            if packed is None:
                target.writestr(info, content, compresslevel=9)
            else:
                _write_deflated(target, out, info, content, packed)
    return out.getvalue()


class Deflater:
    """The EPUB's entries deflated in threads, ahead of the archive: zlib lets go of Python's
    lock while it deflates, so the fonts (the bulk of the bytes) are deflated on the other core
    while the documents are made, and the rest two at a time. The archive's bytes are the same:
    see :func:`makebook.theme.deflated.deflate` and :func:`_write_deflated`."""

    def __init__(self, pool: concurrent.futures.Executor) -> None:
        self._pool = pool
        self._ahead: dict[bytes, concurrent.futures.Future[bytes]] = {}

    def ahead(self, content: bytes) -> bytes:
        """Start deflating ``content`` (returned as it is); nothing for an entry too big."""
        if len(content) <= deflated.LARGEST_AHEAD and content not in self._ahead:
            early = deflated.take_early(content)
            self._ahead[content] = (early if early is not None
                                    else self._pool.submit(deflated.deflate, content))
        return content

    def deflated(self, content: bytes) -> bytes | None:
        """``content`` deflated, if it was given :meth:`ahead`; else None."""
        future = self._ahead.get(content)
        return None if future is None else future.result()


def _write_deflated(target: zipfile.ZipFile, out: io.BytesIO, info: zipfile.ZipInfo, content: bytes,
                    deflated: bytes) -> None:
    """``content``'s entry written as ``target.writestr(info, content, compresslevel=9)`` writes
    it, from its ``deflated`` bytes made ahead: written stored, then the header's method, CRC and
    sizes (fixed-size fields) set to a deflated entry's; the central directory, written at the
    end from ``info``, has them too."""
    target.writestr(info, deflated, compress_type=zipfile.ZIP_STORED)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC = zlib.crc32(content)
    info.file_size = len(content)
    info.compress_size = len(deflated)
    end = out.tell()
    out.seek(info.header_offset)
    out.write(info.FileHeader(False))  # the same length: only fixed-size fields changed
    out.seek(end)
