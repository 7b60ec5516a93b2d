"""Stage 5a: the EPUB 3 edition. The only module that imports ebooklib.

ebooklib writes the package document, the NCX and the zip. Its sharp edges are
wrapped here (see ../shared/reference/exemplars.md §1.6):

* it re-parses ``EpubHtml`` content and silently empties a chapter it cannot
  parse, so our documents go in as plain ``EpubItem``s, already well-formed;
* its nav is minimal, so ``nav.xhtml`` is built here (TOC to level 2, landmarks);
* its identifier is random and its zip entries carry the current time, so the
  identifier is ours and the archive is re-packed with fixed times and order;
* ``write_epub`` swallows errors unless asked to raise.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

from ebooklib import epub

from makebook import theme
from makebook.errors import OutputError
from makebook.render import Chapter, RenderedBook, by_part
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    document,
    element,
    relink,
    title_page,
)

XHTML = 'application/xhtml+xml'
STYLESHEET = 'styles/book.css'
TITLEPAGE = 'titlepage.xhtml'
NAV = 'nav.xhtml'


def write_epub(book: RenderedBook) -> bytes:
    """The EPUB file's bytes; identical for identical input."""
    package = _package(book)
    with tempfile.TemporaryDirectory(prefix='make-book-') as folder:
        target = Path(folder) / 'book.epub'
        options = {
            'raise_exceptions': True,
            'epub3_landmark': False,  # our nav.xhtml has the landmarks
            'epub3_pages': False,
            # ebooklib formats this with a literal 'Z': it must be UTC.
            'mtime': book.metadata.modified.astimezone(dt.UTC).replace(tzinfo=None),
        }
        try:
            written = epub.write_epub(str(target), package, options)
        except Exception as exc:  # ebooklib raises bare Exceptions of many kinds
            raise OutputError(f'ebooklib could not write the EPUB: {exc}') from exc
        if written is False or not target.is_file():
            raise OutputError('ebooklib could not write the EPUB')
        return _reproducible_zip(target.read_bytes(), book.metadata.modified)


def _package(book: RenderedBook) -> epub.EpubBook:
    meta = book.metadata
    package = epub.EpubBook()
    package.set_identifier(meta.identifier)
    package.set_title(meta.title)
    package.set_language(meta.language)
    for number, author in enumerate(meta.authors, start=1):
        package.add_author(author.name, file_as=author.file_as, role=author.role,
                           uid=f'creator-{number}')
    for name, value in (('publisher', meta.publisher), ('rights', meta.rights),
                        ('description', meta.description), ('date', meta.date)):
        if value:
            package.add_metadata('DC', name, value)
    for subject in meta.subjects:
        package.add_metadata('DC', 'subject', subject)

    _add(package, 'css', STYLESHEET, 'text/css', _stylesheet().encode())
    for index, font in enumerate(theme.font_files(), start=1):
        _add(package, f'font-{index}', f'fonts/{font.path.name}', 'font/ttf', font.path.read_bytes())
    for index, asset in enumerate(book.assets, start=1):
        _add(package, f'image-{index}', asset.href, asset.media_type, asset.source.read_bytes())

    titlepage = _add(package, 'titlepage', TITLEPAGE, XHTML, _titlepage_document(book))
    nav = _add(package, 'nav', NAV, XHTML, _nav_document(book), properties=['nav'])
    chapters = [
        _add(package, f'chapter-{index:03d}', chapter.file_name, XHTML,
             _chapter_document(book, chapter), properties=['mathml'] if chapter.has_math else None)
        for index, chapter in enumerate(book.chapters, start=1)
    ]
    package.add_item(epub.EpubNcx())  # else ebooklib's <spine toc="ncx"> points at nothing
    package.toc = _ncx_toc(book)
    package.spine = [titlepage, nav, *chapters]
    package.guide = [
        {'type': 'title-page', 'href': TITLEPAGE, 'title': 'Title Page'},
        {'type': 'toc', 'href': NAV, 'title': 'Contents'},
        {'type': 'text', 'href': book.chapters[0].file_name, 'title': book.chapters[0].title},
    ]
    return package


def _add(package: epub.EpubBook, uid: str, href: str, media_type: str, content: bytes,
         properties: list[str] | None = None) -> epub.EpubItem:
    item = epub.EpubItem(uid=uid, file_name=href, media_type=media_type, content=content)
    item.properties = properties or []
    package.add_item(item)
    return item


def _stylesheet() -> str:
    fonts = theme.font_face_css(lambda font: f'../fonts/{font.path.name}')
    return fonts + theme.stylesheet('epub.css')


def _href_for(book: RenderedBook, current: Chapter | None):
    def href(target_id: str) -> str:
        owner = book.chapter_of(target_id)
        if owner is None or owner is current:
            return f'#{target_id}'
        return f'{owner.file_name}#{target_id}'
    return href


def _chapter_document(book: RenderedBook, chapter: Chapter) -> bytes:
    section = chapter_element(chapter)
    relink(section, _href_for(book, chapter))
    return document(book.metadata, chapter.title, [section], ['styles/book.css'],
                    {'epub_type': 'bodymatter'})


def _titlepage_document(book: RenderedBook) -> bytes:
    return document(book.metadata, book.metadata.title,
                    [title_page(book.metadata), copyright_page(book.metadata)],
                    [STYLESHEET], {'class': 'frontmatter'})


def _nav_document(book: RenderedBook) -> bytes:
    """The EPUB 3 navigation document: TOC (chapters and their sections) and landmarks."""
    toc = element('nav', epub_type='toc', id='toc', role='doc-toc')
    child(toc, 'h1', 'Contents')
    top = child(toc, 'ol')
    for part, chapters in by_part(book.chapters):
        entries = top
        if part is not None:  # <span> heading: a part has no page of its own in the EPUB
            part_item = child(top, 'li', class_='toc-part')
            child(part_item, 'span', part.title)
            entries = child(part_item, 'ol')
        _nav_chapters(entries, chapters)
    landmarks = element('nav', epub_type='landmarks', id='landmarks', hidden='hidden')
    child(landmarks, 'h2', 'Landmarks')
    marks = child(landmarks, 'ol')
    for kind, href, label in (('titlepage', TITLEPAGE, 'Title Page'),
                              ('toc', f'{NAV}#toc', 'Contents'),
                              ('bodymatter', book.chapters[0].file_name, 'Start of Content')):
        child(child(marks, 'li'), 'a', label, href=href, epub_type=kind)
    return document(book.metadata, 'Contents', [toc, landmarks], [STYLESHEET])


def _nav_chapters(entries, chapters: list[Chapter]) -> None:
    for chapter in chapters:
        item = child(entries, 'li')
        child(item, 'a', chapter.title, href=f'{chapter.file_name}#{chapter.id}')
        if chapter.sections:
            nested = child(item, 'ol')
            for section in chapter.sections:
                child(child(nested, 'li'), 'a', section.title,
                      href=f'{chapter.file_name}#{section.id}')


def _ncx_toc(book: RenderedBook) -> list:
    toc: list = []
    for part, chapters in by_part(book.chapters):
        entries = [_toc_entry(chapter) for chapter in chapters]
        if part is None:
            toc.extend(entries)
        else:  # an NCX entry needs a target: the part's first chapter
            first = chapters[0]
            toc.append((epub.Section(part.title, href=f'{first.file_name}#{first.id}'), entries))
    return toc


def _toc_entry(chapter: Chapter):
    link = epub.Link(f'{chapter.file_name}#{chapter.id}', chapter.title, f'nav-{chapter.id}')
    if not chapter.sections:
        return link
    return (link, [epub.Link(f'{chapter.file_name}#{s.id}', s.title, f'nav-{s.id}')
                   for s in chapter.sections])


def _reproducible_zip(data: bytes, modified: dt.datetime) -> bytes:
    """Re-pack: 'mimetype' first and stored, then entries in name order, all at one time."""
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
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
