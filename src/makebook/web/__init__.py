"""The web edition: the book as web pages, with its fonts, images and stylesheet beside them.

A short book is one page: title page, contents, the chapters (each ending with
links to the previous and next chapter and to the contents), the copyright
page. A long book (more than :data:`LONG_BOOK_WORDS` words) is a page per
chapter, as mdBook and Quarto readers expect: ``index.html`` holds the title
page and the contents, each chapter its own page (``chapter-003.html``) with
the contents in a sidebar, the current chapter marked, and the previous and
next chapters a click away; links between chapters point into the right page.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping

from lxml import etree

from makebook.cache import Cache, describe
from makebook.config.stylesheets import css_for
from makebook.model import Chapter, RenderedBook, by_part, leading, nest
from makebook.theme import edition_stylesheet, faces
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    document,
    element,
    labelled,
    link_targets,
    relink,
    title_page,
    toc_entry,
    undated,
)

STYLESHEET = 'style.css'
# Above this a book is a page per chapter (a novel, a manual); below it, one page reads best.
LONG_BOOK_WORDS = 25_000
_TAG = re.compile(r'<[^>]+>')


# The cache's namespace for a long book's chapter pages (cache.py): one entry a page, so a
# save rebuilds the edited chapter's page alone.
CACHE_NAMESPACE = 'web/page'


def web_edition(book: RenderedBook, cache: Cache | None = None) -> Mapping[str, bytes]:
    """Every file of the web edition, by its path relative to the output folder.

    ``cache``, when given, keeps each chapter page of a long book while nothing it shows
    changes (the chapter, its neighbours, the contents, the metadata, the faces).
    """
    used = faces.faces_for(book)  # the book face, the scripts', the author's and fallbacks it uses
    fit = faces.fit_spaces(used)  # a space the book face cannot draw

    def fitted(page: bytes) -> bytes:
        return fit(page.decode('utf-8')).encode('utf-8')

    if not is_long(book):
        files: dict[str, bytes] = {'index.html': fitted(_single_page(book))}
    else:
        files = {'index.html': fitted(_index_page(book))}
        files.update(_chapter_pages(book, fitted, cache or Cache.off(), describe(used)))
    files[STYLESHEET] = (faces.font_face_css(used, lambda face, font: f'fonts/{face.file_name(font)}')
                         + faces.with_families(edition_stylesheet('web.css'), used)
                         + css_for(book.metadata.stylesheets, 'web')).encode()
    characters = faces.book_characters(book)
    for face in used:
        for font in face.files:
            files[f'fonts/{face.file_name(font)}'] = faces.font_data(face, font, characters, used)
        # The book face's licence keeps its old name; the others are named for their face.
        name = 'LICENSE.txt' if face is used[0] else f"LICENSE-{face.family.replace(' ', '')}.txt"
        files[f'fonts/{name}'] = face.licence_bytes()
    for asset in book.assets:
        files[asset.href] = asset.content()
    return files


def is_long(book: RenderedBook) -> bool:
    """True for a book long enough to read a chapter to a page."""
    words = sum(len(_TAG.sub(' ', chapter.body).split()) for chapter in book.chapters)
    return words > LONG_BOOK_WORDS


def page_of(chapter: Chapter) -> str:
    """The web page a chapter has in a long book."""
    return chapter.file_name.replace('.xhtml', '.html')


def _chapter_pages(book: RenderedBook, fitted: Callable[[bytes], bytes], cache: Cache,
                   faces_used: str) -> Iterator[tuple[str, bytes]]:
    """Each chapter's page of a long book, reused from ``cache`` while all it shows is unchanged.

    A page's key names everything on it: the book's metadata (but its date, which no page
    shows and every save changes), the faces, the contents sidebar (every chapter's title,
    sections and page), the chapter itself, its neighbours' titles and pages, whether it opens
    its part, and where each of its links leads.
    """
    chapters = list(book.chapters[leading(book.chapters):])
    href = _href(book)
    sidebar = _contents(book, href, 'toc sidebar')  # the same on every page but for the mark
    context = cache.key('web/book', describe(undated(book.metadata)), faces_used, etree.tostring(sidebar))
    for index, chapter in enumerate(chapters):
        before = chapters[index - 1] if index else None
        after = chapters[index + 1] if index + 1 < len(chapters) else None
        link = _linker(book, chapter, href)
        key = cache.key(CACHE_NAMESPACE, context, describe(chapter),
                        describe([(c.id, c.title, c.file_name) for c in (before, after) if c is not None]),
                        str(before is None), str(_opens_part(book, chapter)),
                        describe([link(target) for target in link_targets(chapter.body)]))
        stored = cache.load(CACHE_NAMESPACE, key)
        if isinstance(stored, str):
            yield page_of(chapter), stored.encode('utf-8')
            continue
        page = fitted(_chapter_page(book, chapter, before, after, copy.deepcopy(sidebar), link))
        cache.store(CACHE_NAMESPACE, key, page.decode('utf-8'))
        yield page_of(chapter), page



def _head(book: RenderedBook) -> list[etree._Element]:
    return [element('meta', name='viewport', content='width=device-width, initial-scale=1')]


def _header(book: RenderedBook) -> etree._Element:
    """The title page, then the dedication and epigraph (before the contents, as in print)."""
    header = element('header', class_='book-header')
    header.append(title_page(book.metadata))
    for chapter in book.chapters[:leading(book.chapters)]:
        header.append(chapter_element(chapter))
    return header


def _contents(book: RenderedBook, href: Callable[[Chapter, str], str], class_: str = 'toc') -> etree._Element:
    """The contents: parts, chapters, their sections and sub-chapters."""
    meta = book.metadata
    toc = element('nav', class_=class_, id='contents', role='doc-toc')
    toc.set('aria-labelledby', 'contents-title')
    labelled(child(toc, 'h2', meta.labels('contents'), id='contents-title'), meta, 'contents')
    top = child(toc, 'ol')
    for part, chapters in by_part(book.chapters[leading(book.chapters):]):
        entries = top
        if part is not None:
            item = child(top, 'li', class_='toc-part')
            owner = chapters[0]
            child(item, 'a', part.title, href=href(owner, part.id))
            entries = child(item, 'ol')
        for node in nest(chapters):
            toc_entry(entries, node, href)
    return toc


def _mark_current(toc: etree._Element, here: str) -> etree._Element:
    """The contents with the link to the page the reader is on marked as such."""
    for link in toc.iter('{*}a'):
        if link.get('href') == here:
            link.set('aria-current', 'page')
    return toc


def _chapter_nav(book: RenderedBook, before: Chapter | None, after: Chapter | None,
                 href: Callable[[Chapter, str], str], contents: str) -> etree._Element:
    """Links to the previous chapter, the contents and the next chapter."""
    labels = book.metadata.labels
    nav = element('nav', class_='chapter-nav')
    nav.set('aria-label', labels('contents'))
    if before is not None:
        child(nav, 'a', f'← {before.title}', href=href(before, before.id), rel='prev', class_='prev')
    labelled(child(nav, 'a', labels('contents'), href=contents, class_='up'), book.metadata, 'contents')
    if after is not None:
        child(nav, 'a', f'{after.title} →', href=href(after, after.id), rel='next', class_='next')
    return nav


def _footer(book: RenderedBook) -> etree._Element:
    footer = element('footer', class_='book-footer')
    used = faces.faces_for(book)
    footer.append(copyright_page(book.metadata, [face.family for face in used], faces.licence_names(used)))
    return footer


def _single_page(book: RenderedBook) -> bytes:
    """The whole book on one page, each chapter ending with links to its neighbours."""
    meta = book.metadata
    def here(_: Chapter, target: str) -> str:
        return f'#{target}'

    main = element('main', id='text')
    chapters = list(book.chapters[leading(book.chapters):])
    part = None
    for index, chapter in enumerate(chapters):
        if chapter.part is not None and chapter.part != part:
            child(main, 'h1', chapter.part.title, class_='part-title', id=chapter.part.id)
        part = chapter.part
        section = chapter_element(chapter)
        before = chapters[index - 1] if index else None
        after = chapters[index + 1] if index + 1 < len(chapters) else None
        section.append(_chapter_nav(book, before, after, here, '#contents'))
        main.append(section)
    return document(meta, meta.title, [_header(book), _contents(book, here), main, _footer(book)],
                    [STYLESHEET], head_extra=_head(book))


def _href(book: RenderedBook) -> Callable[[Chapter, str], str]:
    """Where an id of a chapter is in a long book: its chapter's page (leading pages: the index)."""
    first = leading(book.chapters)
    front = {chapter.id for chapter in book.chapters[:first]}

    def href(chapter: Chapter, target: str) -> str:
        if chapter.id in front:
            return f'index.html#{target}'
        return f'{page_of(chapter)}#{target}' if target != chapter.id else page_of(chapter)
    return href


def _index_page(book: RenderedBook) -> bytes:
    meta = book.metadata
    body = [_header(book), _contents(book, _href(book)), _footer(book)]
    return document(meta, meta.title, body, [STYLESHEET], head_extra=_head(book))


def _linker(book: RenderedBook, chapter: Chapter,
            href: Callable[[Chapter, str], str]) -> Callable[[str], str]:
    """Where a link of ``chapter``'s to an id leads in the web edition."""
    def link(target: str) -> str:
        owner = book.chapter_of(target)
        if owner is None or owner is chapter:
            return f'#{target}'
        return href(owner, target)
    return link


def _chapter_page(book: RenderedBook, chapter: Chapter, before: Chapter | None, after: Chapter | None,
                  sidebar: etree._Element, link: Callable[[str], str]) -> bytes:
    """A long book's page of one chapter; ``sidebar`` is the contents (a copy of its own)."""
    meta = book.metadata
    href = _href(book)
    section = chapter_element(chapter)
    relink(section, link)
    top = element('header', class_='chapter-page-header')
    child(top, 'a', meta.title, href='index.html', class_='book-title')
    main = element('main', id='text')
    if chapter.part is not None and book.chapters[leading(book.chapters):] \
            and _opens_part(book, chapter):
        child(main, 'h1', chapter.part.title, class_='part-title', id=chapter.part.id)
    main.append(section)
    main.append(_chapter_nav(book, before, after, href, 'index.html#contents'))
    _mark_current(sidebar, href(chapter, chapter.id))
    return document(meta, f'{chapter.title} – {meta.title}', [top, sidebar, main], [STYLESHEET],
                    body_attributes={'class': 'chaptered'}, head_extra=_head(book))


def _opens_part(book: RenderedBook, chapter: Chapter) -> bool:
    chapters = list(book.chapters)
    index = chapters.index(chapter)
    return chapter.part is not None and (index == 0 or chapters[index - 1].part != chapter.part)
