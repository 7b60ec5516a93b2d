"""Stage 5b: the print PDF. The only module that imports WeasyPrint.

The whole book becomes one HTML document (title page, copyright page, table of
contents, chapters) styled by ``styles/print.css``. WeasyPrint's sharp edges,
wrapped here:

* it loads whatever a URL names and falls back silently on errors, so it gets
  :class:`BookFetcher`, which serves only the book's own files and the theme;
* it needs Pango from the system; a missing library becomes one clear line;
* its PDF carries dates and a random identifier unless they are pinned.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from lxml import etree

from makebook import theme
from makebook.errors import MissingDependency, OutputError
from makebook.mathsvg import math_to_svg
from makebook.render import RenderedBook, by_part
from makebook.xhtml import chapter_element, child, copyright_page, element, title_page

PANGO_HINT = ('WeasyPrint needs Pango to make the PDF: install it with '
              "'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' "
              "(or build only the other formats with --format epub,html)")


def _weasyprint():
    """Import WeasyPrint, turning a missing system library into a clear error."""
    try:
        import weasyprint
        import weasyprint.text.fonts
        from weasyprint import urls
    except OSError as exc:  # cffi raises OSError when libpango cannot be loaded
        raise MissingDependency(f'{PANGO_HINT} [{exc}]') from None
    return weasyprint, urls


def print_html(book: RenderedBook) -> str:
    """The single HTML document WeasyPrint lays out."""
    meta = book.metadata
    root = element('html', lang=meta.language)
    head = child(root, 'head')
    child(head, 'meta', charset='utf-8')
    child(head, 'title', meta.title)
    for author in meta.authors:
        child(head, 'meta', name='author', content=author.name)
    if meta.description:
        child(head, 'meta', name='description', content=meta.description)
    if meta.subjects:
        child(head, 'meta', name='keywords', content=', '.join(meta.subjects))
    stamp = meta.modified.strftime('%Y-%m-%dT%H:%M:%SZ')
    child(head, 'meta', name='dcterms.created', content=stamp)
    child(head, 'meta', name='dcterms.modified', content=stamp)
    child(head, 'meta', name='generator', content='make-book')

    body = child(root, 'body')
    body.append(title_page(meta))
    body.append(copyright_page(meta))
    body.append(_table_of_contents(book))
    part = None
    for index, chapter in enumerate(book.chapters):
        section = chapter_element(chapter)
        math_to_svg(section)
        if chapter.part is not None and chapter.part != part:
            body.append(_part_page(chapter.part, first=index == 0))
        elif index == 0:  # the arabic folios start here (print.css)
            section.set('class', section.get('class', '') + ' body-start')
        part = chapter.part
        if chapter.number is not None:
            label = element('p', f'Chapter {chapter.number}', class_='chapter-number')
            section.insert(0, label)
        body.append(section)
    # lxml writes a namespaced <br> as '<br></br>', which HTML parsers read as two breaks.
    return etree.tostring(root, encoding='unicode', method='html').replace('</br>', '')


def _table_of_contents(book: RenderedBook) -> etree._Element:
    nav = element('nav', class_='toc', id='contents', role='doc-toc')
    child(nav, 'h1', 'Contents', class_='toc-title')
    top = child(nav, 'ol')
    for part, chapters in by_part(book.chapters):
        entries = top
        if part is not None:
            item = child(top, 'li', class_='toc-part')
            child(item, 'a', part.title, href=f'#{part.id}')
            entries = child(item, 'ol')
        for chapter in chapters:
            item = child(entries, 'li', class_='toc-chapter')
            child(item, 'a', chapter.title, href=f'#{chapter.id}')
    return nav


def _part_page(part, first: bool) -> etree._Element:
    """A part's title page, alone on a right-hand page."""
    page = element('section', class_='part body-start' if first else 'part', id=part.id)
    child(page, 'h1', part.title, class_='part-title')
    return page


def page_css(book: RenderedBook) -> str:
    """The parts of the print stylesheet that depend on the book."""
    fonts = theme.font_face_css(lambda font: font.path.resolve().as_uri())
    trim = book.metadata.trim
    running_title = book.metadata.title.replace('\\', '\\\\').replace('"', '\\"')
    return (f'{fonts}\n@page {{ size: {trim.css}; }}\n'
            f'html {{ string-set: book-title "{running_title}"; }}\n')


def write_pdf(book: RenderedBook) -> bytes:
    """The PDF's bytes, laid out by WeasyPrint."""
    weasyprint, urls = _weasyprint()
    fetcher = _fetcher_class(urls)(allowed=[book.root, theme.styles_dir(),
                                            *{f.path.parent for f in theme.font_files()}])
    # @font-face rules are ignored unless one FontConfiguration is shared by
    # the stylesheets and the render.
    fonts = weasyprint.text.fonts.FontConfiguration()
    stylesheets = [
        weasyprint.CSS(string=theme.stylesheet('print.css'), url_fetcher=fetcher,
                       base_url=theme.styles_dir().as_uri() + '/', font_config=fonts),
        weasyprint.CSS(string=page_css(book), url_fetcher=fetcher, font_config=fonts),
    ]
    document = weasyprint.HTML(string=print_html(book), base_url=book.root.as_uri() + '/',
                               url_fetcher=fetcher)
    identifier = hashlib.sha256(book.metadata.identifier.encode()).hexdigest()[:32]
    problems = _LogCollector()
    logger = logging.getLogger('weasyprint')
    logger.addHandler(problems)
    try:
        pdf = document.write_pdf(stylesheets=stylesheets, font_config=fonts,
                                 pdf_identifier=identifier.encode())
    except urls.FatalURLFetchingError as exc:
        raise OutputError(f'PDF: {exc}') from None
    finally:
        logger.removeHandler(problems)
    if problems.errors:
        raise OutputError('PDF: ' + '; '.join(problems.errors))
    if not pdf:
        raise OutputError('WeasyPrint produced an empty PDF')
    return pdf


class _LogCollector(logging.Handler):
    """WeasyPrint logs unreadable resources as errors and renders on; we stop."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(record.getMessage().splitlines()[0])


def _fetcher_class(urls):
    class BookFetcher(urls.URLFetcher):
        """Serves ``file:`` URLs inside the allowed folders and small ``data:`` URLs only."""

        def __init__(self, allowed: list[Path]) -> None:
            super().__init__(allowed_protocols={'file', 'data'}, allow_redirects=False,
                             fail_on_errors=True)
            self._allowed = [folder.resolve() for folder in allowed]

        def fetch(self, url: str, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == 'data':
                return super().fetch(url, headers)
            if scheme != 'file':
                raise urls.FatalURLFetchingError(
                    f'{url}: remote resources are not fetched; copy the file into the book')
            path = Path(url2pathname(unquote(urlsplit(url).path))).resolve()
            if not any(path.is_relative_to(folder) for folder in self._allowed):
                raise urls.FatalURLFetchingError(f'{path} is outside the book and its theme')
            if not path.is_file():
                raise urls.FatalURLFetchingError(f'{path}: no such file')
            return urls.URLFetcherResponse(path.as_uri(), body=path.read_bytes())

    return BookFetcher
