"""The web edition: the whole book on one page, with its fonts, images and stylesheet beside it."""

from __future__ import annotations

from collections.abc import Mapping

from makebook.config.stylesheets import css_for
from makebook.model import RenderedBook, by_part, leading, nest
from makebook.theme import edition_stylesheet, faces
from makebook.xhtml import (
    chapter_element,
    child,
    copyright_page,
    document,
    element,
    labelled,
    title_page,
    toc_entry,
)

STYLESHEET = 'style.css'


def web_edition(book: RenderedBook) -> Mapping[str, bytes]:
    """Every file of the web edition, by its path relative to the output folder."""
    used = faces.faces_for(book)  # the book face, the scripts', the author's and fallbacks it uses
    fit = faces.fit_spaces(used)  # a space the book face cannot draw
    files: dict[str, bytes] = {
        'index.html': fit(_index(book).decode('utf-8')).encode('utf-8'),
    }
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


def _index(book: RenderedBook) -> bytes:
    meta = book.metadata
    header = element('header', class_='book-header')
    header.append(title_page(meta))
    first = leading(book.chapters)  # dedication, epigraph: before the contents
    for chapter in book.chapters[:first]:
        header.append(chapter_element(chapter))
    toc = element('nav', class_='toc', id='contents', role='doc-toc')
    toc.set('aria-labelledby', 'contents-title')
    labelled(child(toc, 'h2', meta.labels('contents'), id='contents-title'), meta, 'contents')
    top = child(toc, 'ol')
    main = element('main', id='text')
    for part, chapters in by_part(book.chapters[first:]):
        entries = top
        if part is not None:
            item = child(top, 'li', class_='toc-part')
            child(item, 'a', part.title, href=f'#{part.id}')
            entries = child(item, 'ol')
            child(main, 'h1', part.title, class_='part-title', id=part.id)
        for node in nest(chapters):
            toc_entry(entries, node, lambda _, target: f'#{target}')
        for chapter in chapters:
            main.append(chapter_element(chapter))
    footer = element('footer', class_='book-footer')
    footer.append(copyright_page(meta, [face.family for face in faces.faces_for(book)]))
    viewport = element('meta', name='viewport', content='width=device-width, initial-scale=1')
    return document(meta, meta.title, [header, toc, main, footer], [STYLESHEET], head_extra=[viewport])
