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
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from makebook import faces, print_book, print_color, print_split, resources, theme
from makebook.errors import MissingDependency, OutputError
from makebook.render import RenderedBook
from makebook.stylesheets import css_for

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
    """The single HTML document WeasyPrint lays out (see :mod:`makebook.print_book`)."""
    return print_book.print_html(book)


@dataclass(frozen=True, slots=True)
class PrintedBook:
    """The PDF and, for the EPUB's print page numbers, what landed on each page."""

    pdf: bytes
    anchors: tuple[tuple[str, ...], ...] = ()  # anchors[i]: ids of the elements on page i (0-based)
    folios: tuple[str | None, ...] = ()  # folios[i]: the page number printed on page i, if any


def write_pdf(book: RenderedBook) -> bytes:
    """The PDF's bytes, laid out by WeasyPrint, its fonts checked."""
    return print_edition(book).pdf


# Layouts after the first: each may cut a note (or a continuation) or relax a paragraph.
_NOTE_PASSES = 6


def _base_note(note_id: str) -> str:
    """The Markdown note a continuation ('fn-x-cont-cont') comes from."""
    return note_id.split(print_split.CONTINUED)[0]


def print_edition(book: RenderedBook) -> PrintedBook:
    """The PDF with the ids (``Page.anchors``) and folios of each page of its final layout.

    The gutter depends on the page count, which is known only after layout:
    the first pass uses an estimate, and a second pass is made only when the
    real count lands in another gutter step.
    """
    used = faces.faces_for(book)
    missing = faces.uncovered(book, used)
    if missing:  # named here, with file and line: after layout only the stranger font is known
        raise OutputError('PDF: characters that none of the book\'s fonts has', missing)
    estimate = print_book.estimate_pages(book)
    pdf, pages, stray, layout, document = _render(book, estimate)
    loose: set[str] = set()
    splits: dict[str, print_split.NoteSplit] = {}
    block_ids = set().union(*(chapter.ids for chapter in book.chapters))
    for _ in range(_NOTE_PASSES):
        # A continuation must be on the page after its call's; the text moved
        # when the note's first part took room there: anchor it again.
        moved = reanchored(document, list(splits.values()), block_ids)
        splits.update((split.note_id, split) for split in moved)
        if (print_book.gutter_extra(pages) == print_book.gutter_extra(estimate) and not stray
                and not moved):
            break
        # A note taller than the room under its call is cut, and the rest
        # continued on the next page (WeasyPrint 70 cannot: #1833).
        for split in note_splits(document, stray, block_ids):
            # A part cut again replaces its old cut and whatever followed from it.
            for key in [k for k in splits if k.startswith(split.note_id)]:
                del splits[key]
            splits[split.note_id] = split
            stray.discard(split.note_id)
        # WeasyPrint 70 can lose a footnote, or put it on the next page, when
        # widows/orphans push the line of its call over a page break (compare
        # WeasyPrint #2432). The paragraphs holding such notes are laid out
        # again with widows and orphans relaxed.
        loose |= stray
        estimate = pages
        pdf, pages, stray, layout, document = _render(book, pages, loose, list(splits.values()))
    if stray:
        where = ', '.join(f'{note} in {getattr(book.chapter_of(_base_note(note)), "source", "?")}'
                          for note in sorted(stray))
        # Notes still misplaced after cutting and relaxing (a note taller than a
        # whole page's room, or in a place that cannot be cut).
        raise OutputError(f'PDF: footnotes that do not fit at the foot of their page: {where}; '
                          'shorten them, or print notes as endnotes (--notes chapter-endnotes)')
    check_fonts(pdf, [face.family for face in used])
    return layout


def _render(book: RenderedBook, pages_for_gutter: int, loose: set[str] = frozenset(),
            splits: list[print_split.NoteSplit] | None = None,
            ) -> tuple[bytes, int, set[str], PrintedBook, object]:
    """One layout of the book: (PDF bytes, page count, ids of misplaced footnotes, page map,
    WeasyPrint's document)."""
    weasyprint, urls = _weasyprint()
    used = faces.faces_for(book)
    settings = book.metadata.print_settings
    fetcher_class = _fetcher_class(urls)
    if settings.variant == 'pdf/x-1a':  # CMYK only: images converted as they load
        fetcher_class = _cmyk_fetcher_class(fetcher_class, urls)
    fetcher = fetcher_class(allowed=[book.root, theme.styles_dir(),
                                     *{f.path.parent for face in used for f in face.files}],
                            assets={book.root / a.href: a.source for a in book.assets})
    # @font-face rules are ignored unless one FontConfiguration is shared by
    # the stylesheets and the render; @color-profile rules likewise need one dict.
    fonts = weasyprint.text.fonts.FontConfiguration()
    profiles: dict = {}
    font_faces = faces.font_face_css(used, lambda _, font: font.path.resolve().as_uri())
    if settings.variant == 'pdf/x-1a':
        # The CMYK profile WeasyPrint's PDF/X default intent ('device-cmyk') wants.
        font_faces += print_color.color_profile_css()
    stylesheets = [
        weasyprint.CSS(string=font_faces, url_fetcher=fetcher, font_config=fonts,
                       color_profiles=profiles),
        weasyprint.CSS(string=theme.edition_stylesheet('print.css'), url_fetcher=fetcher,
                       base_url=theme.styles_dir().as_uri() + '/', font_config=fonts),
        weasyprint.CSS(string=print_book.page_css(book, pages_for_gutter)
                       + (print_color.CMYK_CSS if settings.variant == 'pdf/x-1a' else ''),
                       url_fetcher=fetcher, font_config=fonts),
        weasyprint.CSS(string=faces.print_css(book, used), url_fetcher=fetcher, font_config=fonts),
        # The metadata's own stylesheets (stylesheets.py), last so they win.
        weasyprint.CSS(string=css_for(book.metadata.stylesheets, 'print') or '/**/',
                       url_fetcher=fetcher, font_config=fonts),
    ]
    html = weasyprint.HTML(string=print_book.print_html(book, loose, splits or ()),
                           base_url=book.root.as_uri() + '/', url_fetcher=fetcher)
    problems = _LogCollector()
    logger = logging.getLogger('weasyprint')
    logger.addHandler(problems)
    try:
        document = html.render(stylesheets=stylesheets, font_config=fonts, color_profiles=profiles,
                               pdf_variant=settings.variant, pdf_tags=settings.tagged)
        pdf = document.write_pdf(**_pdf_options(book))
    except urls.FatalURLFetchingError as exc:
        raise OutputError(f'PDF: {exc}') from None
    finally:
        logger.removeHandler(problems)
    if problems.errors:
        raise OutputError('PDF: ' + '; '.join(problems.errors))
    if not pdf:
        raise OutputError('WeasyPrint produced an empty PDF')
    layout = PrintedBook(pdf, tuple(tuple(page.anchors) for page in document.pages),
                         tuple(_printed_folio(page) for page in document.pages))
    return pdf, len(document.pages), misplaced_footnotes(document), layout, document


def _printed_folio(page) -> str | None:
    """The number printed in the page's bottom margin (None on openers and blank pages).

    Read from the laid-out margin boxes (WeasyPrint has no public API for it),
    so the EPUB's page numbers are the ones on paper whatever print.css does.
    """
    def text(box) -> str:
        return (getattr(box, 'text', '') or '') + ''.join(text(c) for c in getattr(box, 'children', ()))
    for box in getattr(getattr(page, '_page_box', None), 'children', ()):
        if getattr(box, 'at_keyword', '').startswith('@bottom'):
            printed = text(box).strip()
            if re.fullmatch(r'[0-9]+|[ivxlcdm]+', printed):
                return printed
    return None


def misplaced_footnotes(document) -> set[str]:
    """Ids of the footnotes whose body is not on the page of their call (or nowhere)."""
    misplaced: set[str] = set()
    for page in document.pages:
        page_box = getattr(page, '_page_box', None)  # WeasyPrint keeps the laid-out boxes here
        if page_box is None:  # a WeasyPrint without it: the tests still check the real PDF
            return set()
        calls, bodies = set(), set()
        for index, area in enumerate(page_box.children):
            for box in area.descendants():
                element = getattr(box, 'element', None)
                if element is None or 'footnote' not in (element.get('class') or '').split():
                    continue
                if getattr(box, 'footnote', None) is not None:
                    calls.add(element.get('id'))
                elif index > 0:  # the footnote area follows the page's main flow
                    bodies.add(element.get('id'))
        misplaced |= calls ^ bodies
    return misplaced


def _pdf_options(book: RenderedBook) -> dict:
    """write_pdf options: variant, tags, and a pinned identifier for reproducible builds."""
    settings = book.metadata.print_settings
    identifier = hashlib.sha256(book.metadata.identifier.encode()).hexdigest()[:32]
    options = {'pdf_identifier': identifier.encode(), 'pdf_variant': settings.variant,
               'pdf_tags': settings.tagged}
    if settings.variant and settings.variant.startswith('pdf/x') and settings.variant != 'pdf/x-1a':
        # PDF/X-1a gets the CMYK profile (print_color.py). PDF/X-4 keeps
        # WeasyPrint's sRGB profile as its intent: WeasyPrint writes CSS colours
        # and images as DeviceRGB, which PDF/X-4 allows only under an RGB intent.
        options['output_intent'] = 'srgb'
    if book.metadata.direction == 'rtl':
        options['finisher'] = _right_to_left
    return options


def _right_to_left(document, pdf) -> None:
    """Viewers show a right-to-left book's spreads with page 1 on the right (PDF 1.7 §12.2)."""
    import pydyf  # WeasyPrint's PDF writer

    preferences = pdf.catalog.get('ViewerPreferences') or pydyf.Dictionary()
    preferences['Direction'] = '/R2L'
    pdf.catalog['ViewerPreferences'] = preferences


def check_fonts(pdf: bytes, families: list[str]) -> list[str]:
    """The fonts embedded in ``pdf``; raises if one is not from the requested families.

    WeasyPrint falls back silently to any system font for a glyph the book face
    lacks (or for a family it could not load), so the check reads the PDF itself.
    """
    embedded = embedded_fonts(pdf)
    wanted = [_squash(family) for family in families]
    strangers = sorted({name for name, _ in embedded
                        if not any(_squash(name).startswith(w) for w in wanted)})
    unembedded = sorted({name for name, is_embedded in embedded if not is_embedded})
    if strangers:
        raise OutputError(f'PDF: text was set in {", ".join(strangers)} instead of '
                          f'{", ".join(families)} (a font file did not load, or the text uses a '
                          'character the book face lacks)')
    if unembedded:
        raise OutputError(f'PDF: fonts not embedded: {", ".join(unembedded)}')
    return sorted({name for name, _ in embedded})


def embedded_fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name without its subset tag, embedded?) for every font the pages use."""
    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get('/Resources')
        fonts = resources.get_object().get('/Font') if resources else None
        for font in (fonts.get_object().values() if fonts else ()):
            font = font.get_object()
            if '/DescendantFonts' in font:
                descriptor = font['/DescendantFonts'][0].get_object().get('/FontDescriptor')
            else:
                descriptor = font.get('/FontDescriptor')
            descriptor = descriptor.get_object() if descriptor is not None else {}
            is_embedded = any(key in descriptor for key in ('/FontFile', '/FontFile2', '/FontFile3'))
            found.append((str(font.get('/BaseFont', '')).lstrip('/').split('+')[-1], is_embedded))
    return found


def _squash(name: str) -> str:
    return re.sub(r'[^a-z0-9]', '', name.lower())


class _LogCollector(logging.Handler):
    """WeasyPrint logs unreadable resources as errors and renders on; we stop."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if message.endswith('has no required alt description'):
            # The render stage already warned with the file and line (an error
            # under --strict); the tagged PDF keeps the figure without /Alt.
            return
        # WeasyPrint catches a MemoryError from the memory bound (limits.py) and logs it blank.
        causes = [*(record.args if isinstance(record.args, tuple) else ()),
                  record.exc_info[1] if record.exc_info else None]
        if any(_out_of_memory(cause) for cause in causes):
            message += 'out of memory (a huge image? see MAKEBOOK_PDF_MEMORY_MB)'
        self.errors.append(message)


def _out_of_memory(error: object) -> bool:
    """True if ``error`` is, or was raised from, a MemoryError."""
    seen = 0
    while isinstance(error, BaseException) and seen < 10:
        if isinstance(error, MemoryError):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def _cmyk_fetcher_class(base, urls):
    class Converted(urls.URLFetcherResponse):
        path = None  # or WeasyPrint reads the image again from its file

    class CmykFetcher(base):
        """The book's fetcher, its raster images converted to CMYK JPEGs (PDF/X-1a)."""

        def fetch(self, url: str, headers=None):
            response = super().fetch(url, headers)
            body = response.read()
            kind = response.headers.get_content_type()
            if kind in print_color.RASTER_TYPES or re.search(r'\.(png|jpe?g|gif|webp)$', url, re.I):
                return Converted(response.url, body=print_color.to_cmyk_jpeg(body),
                                 headers={'Content-Type': 'image/jpeg'})
            return urls.URLFetcherResponse(response.url, body=body, headers=response.headers)

    return CmykFetcher


def _fetcher_class(urls):
    class BookFetcher(urls.URLFetcher):
        """Serves ``file:`` URLs inside the allowed folders and small ``data:`` URLs only.

        The decisions are :mod:`makebook.resources`'s, shared with every other stage.
        """

        def __init__(self, allowed: list[Path], assets: dict[Path, Path] | None = None) -> None:
            super().__init__(allowed_protocols={'file', 'data'}, allow_redirects=False,
                             fail_on_errors=True)
            self._confinement = resources.Confinement.of(allowed)
            # Images downloaded with --allow-remote live outside the book: by href only.
            self._assets = dict(assets or {})

        def fetch(self, url: str, headers=None):
            scheme = resources.scheme(url)
            try:
                if scheme == 'data':
                    problem = resources.data_image_problem(url)  # too large to decode, say
                    if problem:
                        raise resources.Refused(problem)
                    media_type, body = resources.data_url(url)
                    return urls.URLFetcherResponse(url, body=body,
                                                   headers={'Content-Type': media_type})
                if scheme != 'file':
                    raise resources.Refused(f'{url[:200]}: {resources.REMOTE_HINT}')
                path = self._assets.get(resources.file_url_target(url)) \
                    or resources.file_url_path(url, self._confinement)
            except resources.Refused as exc:
                raise urls.FatalURLFetchingError(f'{url[:200]}: {exc}') from None
            return urls.URLFetcherResponse(path.as_uri(), body=path.read_bytes())

    return BookFetcher


def _walk(box, ancestors=()):
    """(box, its ancestors) for every box under ``box``."""
    yield box, ancestors
    for kid in getattr(box, 'children', ()):
        yield from _walk(kid, (*ancestors, box))


def _text(box) -> str:
    """The text of a box, leaving out generated markers ('3. ')."""
    if '::' in (getattr(box, 'element_tag', '') or ''):
        return ''
    return (getattr(box, 'text', '') or '') + ''.join(_text(k) for k in getattr(box, 'children', ()))


def note_splits(document, stray: set[str], block_ids: set[str]) -> list[print_split.NoteSplit]:
    """Where to cut each note of ``stray`` that is taller than the room under its call.

    Read from the laid-out boxes (``page._page_box``, as in
    :func:`misplaced_footnotes`): the page and line of the call, the room left
    under that line, and the lines the note's body was broken into wherever
    WeasyPrint put it. The cut keeps the lines that fit, at a word.
    """
    from weasyprint.formatting_structure import boxes

    pages = [getattr(page, '_page_box', None) for page in document.pages]
    if not pages or pages[0] is None:
        return []
    calls, bodies, overhead = {}, {}, 12.0
    for number, page in enumerate(pages):
        for area_index, area in enumerate(page.children):
            if isinstance(area, boxes.FootnoteAreaBox) and area.children:
                overhead = area.margin_height() - sum(k.margin_height() for k in area.children)
            for box, ancestors in _walk(area):
                element = getattr(box, 'element', None)
                if element is None or element.get('id') not in stray:
                    continue
                if getattr(box, 'footnote', None) is not None:
                    line = next((a for a in reversed(ancestors) if isinstance(a, boxes.LineBox)), box)
                    calls[element.get('id')] = (number, line.position_y + line.height)
                elif area_index > 0 and isinstance(box, boxes.BlockBox):
                    bodies[element.get('id')] = box
    splits = []
    for note_id in sorted(stray):
        if note_id not in calls or note_id not in bodies or calls[note_id][0] + 1 >= len(pages):
            continue
        number, call_bottom = calls[note_id]
        page = pages[number]
        room = page.content_box_y() + page.height - call_bottom - 2.0
        for area in page.children:
            if isinstance(area, boxes.FootnoteAreaBox) and area.children:
                room -= sum(k.margin_height() for k in area.children
                            if k.element.get('id') != note_id)
        room -= overhead
        lines = [box for box, _ in _walk(bodies[note_id]) if isinstance(box, boxes.LineBox)]
        fitting, used = [], 0.0
        for line in lines:
            used += line.height
            if used > room:
                break
            fitting.append(_text(line))
        if not fitting or len(fitting) == len(lines):
            continue
        anchor = _first_line(pages[number + 1], block_ids)
        if anchor is None:
            continue
        words = _words_in(fitting, _text(bodies[note_id]).split())
        splits.append(print_split.NoteSplit(note_id, words, *anchor))
    return splits


def reanchored(document, splits: list[print_split.NoteSplit],
               block_ids: set[str]) -> list[print_split.NoteSplit]:
    """The cuts whose continuation is not on the page after the call, anchored anew."""
    import dataclasses

    call_pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for box, _ in _walk(page._page_box.children[0]):
            element = getattr(box, 'element', None)
            if getattr(box, 'footnote', None) is not None and element is not None:
                call_pages.setdefault(element.get('id'), number)
    moved = []
    for split in splits:
        here = call_pages.get(split.note_id)
        there = call_pages.get(split.note_id + print_split.CONTINUED)
        if here is None or there is None or there == here + 1 or here + 1 >= len(document.pages):
            continue
        anchor = _first_line(document.pages[here + 1]._page_box, block_ids)
        if anchor is not None:
            moved.append(dataclasses.replace(split, block_id=anchor[0], line_start=anchor[1]))
    return moved


def _words_in(lines: list[str], words: list[str]) -> int:
    """How many whole ``words`` the laid-out ``lines`` hold (a hyphenated end left out)."""
    chars = sum(len(re.sub(r'\s', '', line)) for line in lines)
    if lines[-1].rstrip().endswith(('\u2010', '-', '\u00ad')):
        chars -= 1
    count, total = 0, 0
    for word in words:
        total += len(word)
        if total > chars:
            break
        count += 1
    return count


def _first_line(page, block_ids: set[str]) -> tuple[str, str] | None:
    """(id of the block, its text) at the first line of the page's main flow."""
    from weasyprint.formatting_structure import boxes

    for box, ancestors in _walk(page.children[0]):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            block = next((a.element.get('id') for a in reversed(ancestors)
                          if getattr(a, 'element', None) is not None
                          and a.element.get('id') in block_ids), None)
            return (block, box.text.strip()) if block else None
    return None
