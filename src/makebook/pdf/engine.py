"""One layout of the print edition by WeasyPrint, with its sharp edges wrapped.

* it loads whatever a URL names and falls back silently on errors, so it gets
  a fetcher that serves only the book's own files and the theme (the
  decisions are safety/resources.py's) and its logged errors stop the build;
* it needs Pango from the system; a missing library becomes one clear line;
* its PDF carries dates and a random identifier unless they are pinned.

WeasyPrint is imported only in this package (pdf/); this module and
:mod:`~makebook.pdf.boxes` are the ones that reach into its laid-out boxes.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import functools
import hashlib
import logging
import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from makebook import codes
from makebook.cache import Cache
from makebook.config.stylesheets import css_for
from makebook.errors import MissingDependency, OutputError
from makebook.model import Asset, RenderedBook
from makebook.pdf import boxes, colour, document, folios, geometry, helper, join, patches, pieces
from makebook.pdf import splits as print_split
from makebook.pdf.fonts import document_fonts, face_css, font_face_rules
from makebook.pdf.svgfonts import svg_for_print
from makebook.safety import resources
from makebook.theme import edition_stylesheet, styles_dir
from makebook.theme.faces import STYLESHEET_FAMILIES, faces_for, with_families

# What a piece's layout is read with: the note cuts it was made with, every block's id.
_Context = tuple[tuple[print_split.NoteSplit, ...], set[str]]

PANGO_HINT = ('WeasyPrint needs Pango to make the PDF: install it with '
              "'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' "
              "(or build only the other formats with --format epub,html)")


@dataclass
class Layout:
    """One layout of the book: what landed on each page and what the passes of
    :func:`makebook.pdf.print_edition` read of it (:class:`Findings`). Laid out as one document,
    it holds WeasyPrint's document (its pages' boxes) until it is written (:func:`write`) or
    :meth:`release`d; laid out in pieces, each piece's findings and PDF (:class:`PieceResult`),
    the boxes dropped."""

    document: Any  # weasyprint.Document when laid out as one document; None once released
    found: Findings
    session: Session | None  # its own, when laid out alone: holds the fonts the PDF embeds
    pieces: Joined | None = None  # laid out in pieces: their results, in page order

    @property
    def pages(self) -> int:
        return len(self.found.anchors)

    def release(self) -> None:
        """Drop the boxes (a large book's are hundreds of MB), and the fonts' folder of a layout
        made alone; idempotent."""
        self.document = None
        if self.session is not None:
            self.session.close()


@dataclass(frozen=True)
class Findings:
    """What a layout's passes read of its boxes (of the whole document, or of one piece); the
    cuts and blocks are found with the note cuts the layout was made with."""

    anchors: tuple[tuple[str, ...], ...]  # anchors[i]: ids of the elements on page i (0-based)
    folios: tuple[str | None, ...]  # folios[i]: the page number printed on page i, if any
    misplaced: frozenset[str]  # footnotes not on the page of their call
    deferred: frozenset[str]  # misplaced, but whole at the foot of the next page
    moved: tuple[print_split.NoteSplit, ...]  # cuts whose continuation must be anchored anew
    splits: tuple[print_split.NoteSplit, ...]  # new cuts of the misplaced notes
    foot: tuple[tuple[str, bool], ...]  # blocks ending the pages of misplaced calls, culprit?

    @classmethod
    def joined(cls, parts: list[tuple[Findings, int, int | None]], blank: bool) -> Findings:
        """The findings of pieces laid out one after another, as one document's would read:
        each piece's first ``kept`` pages, and a blank page last if ``blank``. A piece's third
        item is the book's page number before its first page (a body piece counts its pages
        from 1: its folios are moved by it), or None (its folios are the book's)."""
        anchors = [page for found, kept, _ in parts for page in found.anchors[:kept]]
        folios = [_moved_folio(folio, offset)
                  for found, kept, offset in parts for folio in found.folios[:kept]]
        if blank:
            anchors.append(())
            folios.append(None)
        # The cuts in the order one document's layout finds them (by note): a continuation may
        # be cut again, after its note.
        found = [item[0] for item in parts]
        splits = sorted((split for one in found for split in one.splits), key=lambda cut: cut.note_id)
        return cls(tuple(anchors), tuple(folios), frozenset().union(*(one.misplaced for one in found)),
                   frozenset().union(*(one.deferred for one in found)),
                   tuple(split for one in found for split in one.moved), tuple(splits),
                   tuple(item for one in found for item in one.foot))


def _moved_folio(folio: str | None, offset: int | None) -> str | None:
    """A body piece's folio as the book prints it: ``offset`` pages later."""
    if folio is None or offset is None or not folio.isdigit():
        return folio
    return str(int(folio) + offset)


def findings(pages: list[Any], cuts: tuple[print_split.NoteSplit, ...], block_ids: set[str]) -> Findings:
    """Read ``pages`` (laid out with ``cuts``): one walk over the footnotes for both findings,
    then where notes are cut or relaxed (:mod:`~makebook.pdf.boxes`)."""
    view = SimpleNamespace(pages=pages)
    notes = _note_boxes(view)
    misplaced = _misplaced(notes)
    splits = boxes.note_splits(view, set(misplaced), block_ids) if misplaced else []
    stray = misplaced - {split.note_id for split in splits}
    foot = boxes.blocks_at_page_foot(view, stray, block_ids) if stray else {}
    return Findings(tuple(tuple(page.anchors) for page in pages),
                    tuple(_printed_folio(page) for page in pages),
                    frozenset(misplaced), frozenset(_deferred(notes)),
                    tuple(boxes.reanchored(view, list(cuts), block_ids)) if cuts else (),
                    tuple(splits), tuple(sorted(foot.items())))


@dataclass(frozen=True)
class PieceResult:
    """One piece laid out: its findings and its own PDF (None until it is written), the page
    marks the joined PDF's outline is made of and the fonts its PDF embeds. Plain data: kept in
    the cache between builds (:meth:`to_json`), so an unchanged chapter is not laid out again."""

    found: Findings
    marks: tuple[join.PageMarks, ...]
    pdf: bytes | None = None
    fonts: tuple[tuple[str, bool], ...] = ()

    def to_json(self) -> dict[str, Any]:
        found = self.found
        return {'anchors': [list(page) for page in found.anchors], 'folios': list(found.folios),
                'misplaced': sorted(found.misplaced), 'deferred': sorted(found.deferred),
                'moved': [dataclasses.astuple(split) for split in found.moved],
                'splits': [dataclasses.astuple(split) for split in found.splits],
                'foot': [list(item) for item in found.foot], 'marks': [mark.to_json() for mark in self.marks],
                'pdf': base64.b64encode(self.pdf).decode() if self.pdf is not None else None,
                'fonts': [list(font) for font in self.fonts]}

    @classmethod
    def from_json(cls, value: Any) -> PieceResult:
        """The result stored by :meth:`to_json`; raises (KeyError, TypeError, ValueError) on a
        damaged entry, which the caller treats as a miss."""
        def split(item: Any) -> print_split.NoteSplit:
            note_id, words, block_id, line_start = item
            return print_split.NoteSplit(str(note_id), int(words), str(block_id), str(line_start))
        found = Findings(tuple(tuple(str(a) for a in page) for page in value['anchors']),
                         tuple(None if f is None else str(f) for f in value['folios']),
                         frozenset(map(str, value['misplaced'])), frozenset(map(str, value['deferred'])),
                         tuple(map(split, value['moved'])), tuple(map(split, value['splits'])),
                         tuple((str(block), bool(culprit)) for block, culprit in value['foot']))
        marks = tuple(join.PageMarks.from_json(mark) for mark in value['marks'])
        if len(marks) != len(found.anchors) or len(found.folios) != len(found.anchors):
            raise ValueError('a damaged piece')
        pdf = base64.b64decode(value['pdf'], validate=True) if value['pdf'] is not None else None
        if pdf is not None and not pdf.startswith(b'%PDF-'):
            raise ValueError('a damaged piece')
        return cls(found, marks, pdf, tuple((str(name), bool(embedded)) for name, embedded in value['fonts']))


@dataclass
class Joined:
    """The pieces of one layout in page order (the front matter first): each its key, and the
    HTML and rules to lay it out again should its PDF be missing when the book is written."""

    session: Session
    keys: list[str]
    sources: list[tuple[str, str]]
    blank: bool  # a blank page ends the book (its page count is even)
    kept: list[int]  # the pages of each piece the book keeps (all but its closing chapter's)


def _weasyprint() -> tuple[ModuleType, ModuleType]:
    """Import WeasyPrint, turning a missing system library into a clear error."""
    try:
        import weasyprint
        import weasyprint.text.fonts
        from weasyprint import urls
    except OSError as exc:  # cffi raises OSError when libpango cannot be loaded
        raise MissingDependency(f'{PANGO_HINT} [{exc}]', code=codes.MISSING_DEPENDENCY.id) from None
    patches.apply()  # notes that fit stay under their calls; a line that fits keeps its words
    return weasyprint, urls


def print_stylesheets(book: RenderedBook, pages_for_gutter: int) -> list[tuple[str, str | None]]:
    """The print edition's stylesheets, in cascade order: (CSS, base URL) each."""
    used = faces_for(book)
    settings = book.metadata.print_settings
    font_faces = font_face_rules(used)
    if settings.variant == 'pdf/x-1a':
        # The CMYK profile WeasyPrint's PDF/X default intent ('device-cmyk') wants.
        font_faces += colour.color_profile_css()
    return [
        (font_faces, None),
        (with_families(edition_stylesheet('print.css'), used), styles_dir().as_uri() + '/'),
        (geometry.page_css(book, pages_for_gutter) + (colour.CMYK_CSS if settings.variant == 'pdf/x-1a'
                                                        else '') + document.label_css(book.metadata), None),
        (face_css(book, used), None),
        # The metadata's own stylesheets (config/stylesheets.py), last so they win.
        (css_for(book.metadata.stylesheets, 'print') or '/**/', None),
    ]


def lay_out(book: RenderedBook, pages_for_gutter: int, loose: frozenset[str] = frozenset(),
            splits: tuple[print_split.NoteSplit, ...] = (), firm: frozenset[str] = frozenset(),
            session: Session | None = None) -> Layout:
    """One layout of the book, its gutter set for ``pages_for_gutter`` pages (``loose``,
    ``splits`` and ``firm``: :func:`makebook.pdf.document.print_html`). With a ``session``, the
    book is laid out a chapter at a time (:mod:`~makebook.pdf.pieces`): each piece is written
    as its own PDF as soon as it is laid out, and the pieces the session laid out before (or a
    previous build, in its cache), unchanged, are not laid out again."""
    weasyprint, urls = _weasyprint()
    own = session is None
    session = session or Session(book)
    block_ids: set[str] = set().union(*(chapter.ids for chapter in book.chapters))
    try:
        with _weasyprint_errors(urls):
            setup = session.setup(pages_for_gutter)
            root = document.print_tree(book, loose, splits, pages_for_gutter, firm, session.processes)
            joined = session.in_pieces(setup, root, splits, block_ids) if session.pieces else None
            if joined is not None:
                layout = session.layout_of(joined)
                layout.session = session if own else None  # its fonts' folder, closed once written
                return layout
            html = weasyprint.HTML(string=document.serialise(root), base_url=book.root.as_uri() + '/',
                                   url_fetcher=setup.fetcher)
            laid_out = setup.render(html)
            if len(laid_out.pages) % 2:
                # A book has an even number of pages (two to a leaf): a blank one ends it.
                laid_out = laid_out.copy([*laid_out.pages, _blank_page(weasyprint, book, pages_for_gutter,
                                                                       setup.fonts)])
    except BaseException:
        if own:
            session.close()
        raise
    return Layout(laid_out, findings(list(laid_out.pages), splits, block_ids), session if own else None)


@dataclass
class _Setup:
    """The stylesheets, fonts and fetcher of the layouts for one gutter."""

    key: tuple[str, ...]  # the stylesheets' text
    weasyprint: ModuleType
    settings: Any  # the book's PrintSettings
    fetcher: Any
    fonts: Any  # weasyprint FontConfiguration, shared by the stylesheets and every render
    profiles: dict[str, Any]
    stylesheets: list[Any]

    def render(self, html: Any, extra: list[Any] | None = None) -> Any:
        return html.render(stylesheets=[*self.stylesheets, *(extra or [])], font_config=self.fonts,
                           color_profiles=self.profiles, pdf_variant=self.settings.variant,
                           pdf_tags=self.settings.tagged)


class Session:
    """What the layouts of one print edition share: the stylesheets and fonts (parsed once per
    gutter) and the pieces laid out (:mod:`~makebook.pdf.pieces`), reused while unchanged: within
    the build, and from the cache between builds. Holds the fonts' folder until :meth:`close`."""

    # Chapters per piece: one, so that a note cut or relaxed lays out again only its chapter.
    PER_PIECE = 1
    # Layouts of the pieces while a page number one refers to has changed (then: one document).
    # Each round's pieces are told the pages of the round before (laid out at once, they cannot
    # be told those of the same round): a book that prints page numbers takes two at least.
    _ROUNDS = 4
    # Fewer pieces to lay out than this: not worth a second process.
    _SHARED_FROM = 4
    # The cache's namespace for the pieces (their findings and PDF).
    NAMESPACE = 'pdf/pieces'
    # ... and for the folio sheets (folios.py).
    FOLIOS_NAMESPACE = 'pdf/folios'

    def __init__(self, book: RenderedBook, pieces: bool = True, cache: Cache | None = None,
                 jobs: int = 0, pages: dict[str, int] | None = None) -> None:
        self.book = book
        self.processes = min(jobs or helper.cores(), 2)  # this one and a helper at most
        # A book's own print stylesheet may number pages or figures its own way: one document.
        self.pieces = pieces and not any('print' in sheet.editions for sheet in book.metadata.stylesheets)
        self.cache = cache or Cache.off()
        self._setup: _Setup | None = None
        self._fonts: list[Any] = []
        self._results: dict[str, PieceResult] = {}  # a piece's key -> its result, this build
        self._held: dict[str, Any] = {}  # a piece's key -> its document, kept to write it later
        self._at: dict[int, str] = {}  # the piece laid out last at each place (-1: the front)
        # The page number (counter) of each id, last layout; at first, the previous build's of
        # the ids a piece prints the page of (a rebuild's first round then tells them right).
        self._pages: dict[str, int] = dict(pages or {})
        self.referenced: dict[str, int] = {}  # the pages of those ids, this build's last layout
        self._inputs = ''  # what every piece's layout depends on besides its HTML and rules
        self._gutter_pages = 0  # the page count the gutter is set for
        self.reused = 0  # pieces not laid out again (for -v and the tests)
        self.rendered = 0
        self.recalled = 0  # pieces taken from the cache
        self.shared = 0  # pieces laid out by the second process (counted in ``rendered`` too)
        self._sheets_asked = False  # the second process was given the folio sheets to make
        self._sheets: dict[str, str] = {}  # the sheets it made (base64), by their key

    def setup(self, pages_for_gutter: int) -> _Setup:
        sheets = print_stylesheets(self.book, pages_for_gutter)
        key = tuple(css for css, _ in sheets)
        if self._setup is not None and self._setup.key == key:
            self._gutter_pages = pages_for_gutter
            return self._setup
        weasyprint, urls = _weasyprint()
        book = self.book
        used = faces_for(book)
        settings = book.metadata.print_settings
        fetcher_class = _fetcher_class(urls)
        if settings.variant == 'pdf/x-1a':  # CMYK only: images converted as they load
            fetcher_class = _cmyk_fetcher_class(fetcher_class, urls)
        fetcher = fetcher_class(allowed=[book.root, styles_dir(),
                                         *{f.path.parent for face in used for f in face.files}],
                                assets={book.root / a.href: a for a in book.assets},
                                svg_families=with_families(STYLESHEET_FAMILIES, used))
        # @font-face rules are ignored unless one FontConfiguration is shared by
        # the stylesheets and the render; @color-profile rules likewise need one dict.
        fonts = weasyprint.text.fonts.FontConfiguration()
        self._fonts.append(fonts)
        profiles: dict[str, Any] = {}
        stylesheets = [weasyprint.CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=fonts,
                                      color_profiles=profiles if index == 0 else None)
                       for index, (css, base_url) in enumerate(sheets)]
        self._setup = _Setup(key, weasyprint, settings, fetcher, fonts, profiles, stylesheets)
        self._held.clear()  # laid out for another gutter
        self._inputs = _layout_inputs(book, key)
        self._gutter_pages = pages_for_gutter
        return self._setup

    def in_pieces(self, setup: _Setup, root: Any, cuts: tuple[print_split.NoteSplit, ...],
                  block_ids: set[str]) -> Joined | None:
        """The book laid out a piece at a time, or None when it cannot be (no contents; numbers
        that do not settle)."""
        cut = pieces.cut(root, self.PER_PIECE)
        if cut is None:
            return None
        front, body = cut
        figures = pieces.figure_numbers(root)
        progress = _Progress()
        context = (cuts, block_ids)
        for _ in range(self._ROUNDS):
            keys: list[str] = []
            sources: list[tuple[str, str]] = []
            kept_pages: list[int] = []
            count = 0
            pages: dict[str, int] = {}
            asked: dict[str, int | None] = {}  # what the pieces were told of other pieces' pages
            known = dict(self._pages)
            chosen = [self._piece(piece, known, figures, index) for index, piece in enumerate(body)]
            self._lay_out_missing(setup, [(piece, key, source)
                                          for piece, (key, source) in zip(body, chosen, strict=True)],
                                  context, progress)
            for piece, (key, source) in zip(body, chosen, strict=True):
                result = self._results[key]
                if not piece.last and (not result.found.anchors
                                       or pieces.PIECE_END not in result.found.anchors[-1]):
                    return None  # the closing chapter did not open a page of its own
                kept = self._kept(piece, result)
                for number, anchors in enumerate(result.found.anchors[:kept], start=count + 1):
                    for anchor in anchors:
                        pages.setdefault(anchor, number)
                asked.update((ref, known.get(ref)) for ref in piece.references())
                keys.append(key)
                sources.append(source)
                kept_pages.append(kept)
                count += kept
            settled = all(pages.get(ref) == number for ref, number in asked.items())
            self._pages = pages
            if settled:
                break
        else:
            return None
        self.referenced = {ref: pages[ref] for ref in sorted({*asked, *front.references()}) if ref in pages}
        key, source = self._piece(front, pages, figures, -1)
        self._lay_out_missing(setup, [(front, key, source)], context, progress)
        opening = self._kept(front, self._results[key])
        progress.pages(count + opening)
        # What this layout does not use is dropped (the cache keeps it for the next build).
        used = {key, *keys}
        self._held = {k: held for k, held in self._held.items() if k in used}
        blank = (count + opening) % 2 == 1
        return Joined(self, [key, *keys], [source, *sources], blank, [opening, *kept_pages])

    @staticmethod
    def _kept(piece: pieces.Piece, result: PieceResult) -> int:
        """The pages of a piece the book keeps: all but its closing chapter's."""
        return len(result.found.anchors) - (0 if piece.last else 1)

    def _piece(self, piece: pieces.Piece, pages: dict[str, int], figures: dict[str, int],
               place: int) -> tuple[str, tuple[str, str]]:
        """A piece's key and source (HTML and rules), its result taken from this build or the
        cache when it has one (else :meth:`_lay_out_missing` lays it out)."""
        html, css = piece.html(pages, figures), piece.css()
        key = self.cache.key(self.NAMESPACE, self._inputs, html, css)
        if self._at.get(place) not in (None, key):
            self._held.pop(self._at[place], None)  # the piece it replaces: one layout in memory
        self._at[place] = key
        if key in self._results:
            self.reused += 1
        elif (stored := self._recall(key)) is not None:
            self._results[key] = stored
            self.recalled += 1
        return key, (html, css)

    def _lay_out_missing(self, setup: _Setup, chosen: list[tuple[pieces.Piece, str, tuple[str, str]]],
                         context: _Context, progress: _Progress) -> None:
        """Lay out the pieces of ``chosen`` that have no result yet: shared with a second process
        (:mod:`~makebook.pdf.helper`) when there are enough of them and a second core."""
        missing: dict[str, tuple[pieces.Piece, str, str]] = {}
        for piece, key, (html, css) in chosen:
            if key not in self._results:
                missing.setdefault(key, (piece, html, css))
        todo = list(missing.items())
        if self.processes > 1 and len(todo) >= self._SHARED_FROM:
            self._lay_out_shared(setup, todo, context, progress)
            return
        done = 0
        for index in range(len(todo)):
            done += self._lay_out_here(setup, todo[index], context)
            progress.pages(done)

    def _lay_out_here(self, setup: _Setup, task: tuple[str, tuple[pieces.Piece, str, str]],
                      context: _Context) -> int:
        """Lay out one piece in this process, its result kept; how many pages it has."""
        key, (piece, html, css) = task
        result = self._results[key] = self._lay_out_piece(setup, piece, html, css, key, context)
        self.cache.store(self.NAMESPACE, key, result.to_json())
        return len(result.found.anchors)

    def _lay_out_shared(self, setup: _Setup, todo: list[tuple[str, tuple[pieces.Piece, str, str]]],
                        context: _Context, progress: _Progress) -> None:
        """Lay out ``todo`` on two processes: this one and a fork take the next piece from one
        queue, the longest first, then the folio sheets the first layout will want (small: they
        even out the end); what the fork did not deliver is laid out here, so an error is
        raised as one process raises it."""
        sheets = self._sheets_to_come()
        # A sheet's page costs about a tenth of a page of text (2.5 ms against 25 to 40 ms, the
        # 201,551-word benchmark novel), and a page of text is about 2,500 characters of HTML:
        # a sheet weighs as a piece of this many characters, in the queue's order.
        sheet_size = folios.PER_SHEET * 250
        order = helper.largest_first([len(html) for _, (_, html, _) in todo] + [sheet_size] * len(sheets))

        def lay_out_there(index: int) -> Any:
            if index >= len(todo):
                sheet = self._render_sheet(setup, sheets[index - len(todo)])
                return {'anchors': [], 'sheet': base64.b64encode(sheet).decode()}
            key, (piece, html, css) = todo[index]
            return self._lay_out_piece(setup, piece, html, css, key, context, hold=False).to_json()

        fork = helper.Helper(lay_out_there, order, lambda value: len(value['anchors']))
        done_here: set[int] = set()
        done = 0
        try:
            while (index := fork.take()) is not None:
                if index >= len(todo):
                    self._make_sheet_here(setup, sheets[index - len(todo)])
                else:
                    done += self._lay_out_here(setup, todo[index], context)
                done_here.add(index)
                progress.pages(done + fork.pages_done())
            made = fork.results()
        finally:
            fork.close()
        for index in range(len(todo)):
            if index in done_here:
                continue
            key = todo[index][0]
            result = self._result_of(made.get(index))
            if result is None:  # not delivered (out of memory?): laid out here, its error raised here
                self._lay_out_here(setup, todo[index], context)
                continue
            self._results[key] = result
            self.rendered += 1
            self.shared += 1
            self.cache.store(self.NAMESPACE, key, made[index])
        for number, first in enumerate(sheets, start=len(todo)):
            value = made.get(number)
            if isinstance(value, dict) and isinstance(value.get('sheet'), str):
                self._sheets[self._sheet_key(first)] = value['sheet']

    def _make_sheet_here(self, setup: _Setup, first: int) -> None:
        """A folio sheet made by this process while the fork lays out pieces (kept as the fork's
        are, for the join and the next build)."""
        self._sheets[self._sheet_key(first)] = base64.b64encode(self._render_sheet(setup, first)).decode()

    def _sheets_to_come(self) -> list[int]:
        """The folio sheets a first layout's second process makes beside its pieces (those the
        page count the gutter was set for calls for, not in the cache): made later, in this
        process, they would be the only work left for one core while the other is idle."""
        if self._sheets_asked:
            return []
        self._sheets_asked = True
        return [first for first in range(1, self._gutter_pages + 1, folios.PER_SHEET)
                if self.cache.load(self.FOLIOS_NAMESPACE, self._sheet_key(first)) is None]

    def _render_sheet(self, setup: _Setup, first: int) -> bytes:
        meta = self.book.metadata
        with _quiet_progress():
            return folios.render_sheet(setup.weasyprint, setup, meta.language, meta.direction == 'rtl', first)

    def _sheet_key(self, first: int) -> str:
        return self.cache.key(self.FOLIOS_NAMESPACE, self._inputs, str(first))

    def _recall(self, key: str) -> PieceResult | None:
        return self._result_of(self.cache.load(self.NAMESPACE, key))

    @staticmethod
    def _result_of(value: Any) -> PieceResult | None:
        if value is None:
            return None
        try:
            return PieceResult.from_json(value)
        except (KeyError, TypeError, ValueError, IndexError, binascii.Error):
            return None  # damaged or from another make-book: laid out again

    def _lay_out_piece(self, setup: _Setup, piece: pieces.Piece, html: str, css: str, key: str,
                       context: _Context, hold: bool = True) -> PieceResult:
        """Lay the piece out; write its PDF at once when it is likely final (no note out of
        place), else hold its document (with ``hold``) until the book is written or the piece
        laid out again (without, it is laid out again to be written, should it be final)."""
        laid_out = self._render(setup, html, css)
        self.rendered += 1
        kept = list(laid_out.pages) if piece.last else list(laid_out.pages[:-1])
        # Its findings read the closing chapter's page too (as the joined document did not):
        # a piece's notes are all within its own chapter, and the anchors check it opens a page.
        found = findings(list(laid_out.pages), *context)
        marks = tuple(join.PageMarks(page.height, tuple((level, label, x, y, state)
                                                        for level, label, (x, y), state in page.bookmarks))
                      for page in laid_out.pages)
        result = PieceResult(found, marks)
        if not found.misplaced:
            result = self._written(result, laid_out.copy(kept))
        elif hold:
            self._held[key] = laid_out.copy(kept)
        return result

    def _render(self, setup: _Setup, html: str, css: str) -> Any:
        weasyprint = setup.weasyprint
        extra = weasyprint.CSS(string=css + '\n' + document.literal_label_css(self.book.metadata),
                               font_config=setup.fonts)
        source = weasyprint.HTML(string=html, base_url=self.book.root.as_uri() + '/',
                                 url_fetcher=setup.fetcher)
        with _quiet_progress():
            return setup.render(source, [extra])

    def _written(self, result: PieceResult, laid_out: Any) -> PieceResult:
        """The result with the PDF of ``laid_out`` (the piece's kept pages)."""
        fonts: list[tuple[str, bool]] = []
        pdf = write_piece(self.book, laid_out, fonts)
        return dataclasses.replace(result, pdf=pdf, fonts=tuple(fonts))

    def layout_of(self, joined: Joined) -> Layout:
        """The layout of the joined pieces, as one document's would read."""
        parts: list[tuple[Findings, int, int | None]] = []
        offset: int | None = None  # the front matter's folios are its own; the body's from 1
        for key, kept in zip(joined.keys, joined.kept, strict=True):
            parts.append((self._results[key].found, kept, offset))
            offset = 0 if offset is None else offset + kept
        return Layout(None, Findings.joined(parts, joined.blank), None, joined)

    def write_joined(self, joined: Joined, printed: tuple[str | None, ...],
                     fonts: list[tuple[str, bool]] | None) -> bytes:
        """The book's PDF: every piece's PDF (written now if it was not), joined."""
        setup = self._setup
        assert setup is not None
        written: list[bytes] = []
        marks: list[join.PageMarks] = []
        for key, (html, css), kept in zip(joined.keys, joined.sources, joined.kept, strict=True):
            result = self._results[key]
            if result.pdf is None:
                held = self._held.pop(key, None)
                if held is None:  # from the cache, laid out again to be written
                    laid_out = self._render(setup, html, css)
                    self.rendered += 1
                    held = laid_out.copy(list(laid_out.pages)[:kept])
                result = self._results[key] = self._written(result, held)
                self.cache.store(self.NAMESPACE, key, result.to_json())
            assert result.pdf is not None
            written.append(result.pdf)
            marks.extend(result.marks[:kept])
            if fonts is not None:
                fonts.extend(result.fonts)
        if joined.blank:
            blank = _blank_document(setup.weasyprint, self.book, self._gutter_pages, setup.fonts)
            written.append(write_piece(self.book, blank, None))
            marks.append(join.PageMarks(blank.pages[0].height, ()))
        # The body's folios, hidden in its pieces, printed over them (folios.py).
        wanted = folios.stamps(printed, joined.kept[0])
        sheets = {first: self._folio_sheet(setup, first)
                  for first in sorted({stamp.sheet for stamp in wanted})}
        stamps = [(stamp.page, sheets[stamp.sheet], stamp.number - stamp.sheet) for stamp in wanted]
        return join.join(written, marks, page_labels(printed), self.book.metadata.direction == 'rtl', stamps)

    def _folio_sheet(self, setup: _Setup, first: int) -> bytes:
        """The folio sheet from the number ``first``: made by the second process, from the cache,
        or laid out now."""
        key = self._sheet_key(first)
        if key in self._sheets:  # made by the second process: kept for the next build too
            self.cache.store(self.FOLIOS_NAMESPACE, key, self._sheets[key])
        stored = self._sheets.get(key) or self.cache.load(self.FOLIOS_NAMESPACE, key)
        if isinstance(stored, str):
            with contextlib.suppress(binascii.Error, ValueError):
                sheet = base64.b64decode(stored, validate=True)
                if sheet.startswith(b'%PDF-'):
                    return sheet
        sheet = self._render_sheet(setup, first)
        self.cache.store(self.FOLIOS_NAMESPACE, key, base64.b64encode(sheet).decode())
        return sheet

    def close(self) -> None:
        """Drop the pieces and remove the fonts' folders (the PDF is written by then)."""
        self._held.clear()
        self._results.clear()
        self._at.clear()
        for fonts in self._fonts:
            _remove_font_folder(fonts)
        self._fonts.clear()
        self._setup = None


def _layout_inputs(book: RenderedBook, stylesheets: tuple[str, ...]) -> str:
    """A digest of what a piece's layout depends on besides its own HTML and rules: the
    stylesheets, the images and fonts (by content: an image replaced under the same name
    changes the page), and the PDF's options."""
    digest = hashlib.sha256()
    for css in (*stylesheets, document.literal_label_css(book.metadata)):
        digest.update(css.encode() + b'\0')
    for asset in sorted(book.assets, key=lambda a: a.href):
        digest.update(asset.href.encode() + b'\0' + hashlib.sha256(asset.content()).digest())
    for face in faces_for(book):
        for font in face.files:
            stat = font.path.stat()
            digest.update(f'{font.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0'.encode())
    settings = book.metadata.print_settings
    digest.update(f'{book.root}\0{book.metadata.identifier}\0{settings.variant}\0{settings.tagged}'.encode())
    return digest.hexdigest()


class _Progress:
    """The layout's progress as WeasyPrint tells it for one document (the build hears it:
    build.LayoutProgress), for a book laid out in pieces: one layout, its pages so far."""

    def __init__(self) -> None:
        self.log = logging.getLogger('weasyprint.progress')
        self.log.info('Step 4 - Creating formatting structure')

    def pages(self, count: int) -> None:
        self.log.info('Step 5 - Creating layout - Page %d', count)


@contextlib.contextmanager
def _quiet_progress() -> Iterator[None]:
    progress = logging.getLogger('weasyprint.progress')
    was_disabled, progress.disabled = progress.disabled, True
    try:
        yield
    finally:
        progress.disabled = was_disabled


def write(book: RenderedBook, layout: Layout, fonts: list[tuple[str, bool]] | None = None) -> bytes:
    """The PDF of the final layout (writing it costs seconds on a long book: only this one
    is written; laid out in pieces, only the pieces not written yet are); the layout is
    released. ``fonts`` gets the fonts the PDF embeds (:func:`~makebook.pdf.fonts.document_fonts`)."""
    _, urls = _weasyprint()
    try:
        with _weasyprint_errors(urls):
            if layout.pieces is not None:
                logging.getLogger('weasyprint.progress').info('Step 6 - Creating PDF')
                pdf = layout.pieces.session.write_joined(layout.pieces, layout.found.folios, fonts)
            else:
                _pack_each_page(layout.document.pages)
                pdf = layout.document.write_pdf(**_pdf_options(book, layout.found.folios, fonts))
    finally:
        layout.release()
    if not pdf:
        raise OutputError('WeasyPrint produced an empty PDF', code=codes.PDF_EMPTY.id)
    return pdf


def write_piece(book: RenderedBook, laid_out: Any, fonts: list[tuple[str, bool]] | None) -> bytes:
    """The PDF of one piece's pages (:mod:`~makebook.pdf.join` joins them). A link to an anchor in
    another piece is written as a URI action the join turns into a link (WeasyPrint would drop
    it, with an error); page labels and reading direction are the joined PDF's."""
    anchors = {name for page in laid_out.pages for name in page.anchors}
    for page in laid_out.pages:
        page.links = [('external', join.CROSS_PIECE + target, rectangle, box)
                      if kind == 'internal' and target not in anchors else (kind, target, rectangle, box)
                      for kind, target, rectangle, box in page.links]
    options = _pdf_options(book, (), None)
    options['finisher'] = (lambda _, pdf: fonts.extend(document_fonts(pdf))) if fonts is not None else None
    _pack_each_page(laid_out.pages)
    with _quiet_progress():  # one 'assembling the PDF file' for the book, not one a piece
        written: bytes = laid_out.write_pdf(**options)
    return written


def _pack_each_page(pages: list[Any]) -> None:
    """Each page's drawing packed into the bytes the PDF will hold as soon as the page is painted.

    ``write_pdf`` paints every page before it writes any: a page's content stream is held until
    then as a list of operators, one Python object each (a dictionary for each tagged run),
    on top of the boxes of every page, which the PDF's tags still need (the 900-page novel
    written as one document: 140 MB more while it was written, this list the largest part
    of it). Packed, each page holds one compressed string: the
    bytes pydyf would have written (the same operators joined, deflated at pydyf's level), so
    the PDF is unchanged. A pydyf without the functions this was written against is left alone.
    """
    import pydyf  # WeasyPrint's PDF writer

    to_bytes = getattr(pydyf, '_to_bytes', None)
    if to_bytes is None:
        return
    for page in pages:
        page.paint = functools.partial(_paint_packed, type(page).paint, page, to_bytes)


def _paint_packed(paint: Any, page: Any, to_bytes: Any, stream: Any, *args: Any, **kwargs: Any) -> None:
    paint(page, stream, *args, **kwargs)
    if not isinstance(getattr(stream, 'stream', None), list) or not isinstance(stream.extra, dict):
        return
    data = b'\n'.join(to_bytes(item) for item in stream.stream)
    if stream.compress:
        # As pydyf.Stream.data does it: the filter named after the stream's own entries.
        compressor = zlib.compressobj(level=9)
        data = compressor.compress(data) + compressor.flush()
        stream.extra['Filter'] = '/FlateDecode'
        stream.compress = False
    stream.stream = [data]
    del page.paint  # drawn: the class's own again


@contextlib.contextmanager
def _weasyprint_errors(urls: ModuleType) -> Iterator[None]:
    """WeasyPrint's logged errors and refused resources, raised as make-book's errors."""
    problems = _LogCollector()
    logger = logging.getLogger('weasyprint')
    logger.addHandler(problems)
    logger.addFilter(_already_reported)
    try:
        yield
    except urls.FatalURLFetchingError as exc:
        raise OutputError(f'PDF: {exc}', code=codes.PDF_RESOURCE_REFUSED.id) from None
    finally:
        logger.removeHandler(problems)
        logger.removeFilter(_already_reported)
    if problems.errors:
        raise OutputError('PDF: ' + '; '.join(problems.errors), code=codes.PDF_RENDER_ERROR.id)


def _blank_page(weasyprint: ModuleType, book: RenderedBook, pages: int, fonts: Any) -> Any:
    """An empty page of the book's size (with its bleed and crop marks when print-ready)."""
    return _blank_document(weasyprint, book, pages, fonts).pages[0]


def _blank_document(weasyprint: ModuleType, book: RenderedBook, pages: int, fonts: Any) -> Any:
    """A document of one empty page of the book's size. Its own small render is no layout
    pass: the build's progress does not hear it."""
    css = weasyprint.CSS(string=geometry.page_css(book, pages), font_config=fonts)
    progress = logging.getLogger('weasyprint.progress')
    was_disabled, progress.disabled = progress.disabled, True
    try:
        # Its language, as every page of a tagged PDF needs one (PDF/UA).
        blank = f'<html lang="{escape(book.metadata.language)}"><body></body></html>'
        return weasyprint.HTML(string=blank).render(stylesheets=[css], font_config=fonts)
    finally:
        progress.disabled = was_disabled


def _remove_font_folder(fonts: Any) -> None:
    """Remove the folder WeasyPrint copies the @font-face files into (``weasyprint-*`` in the
    system's temporary folder). WeasyPrint removes it when its FontConfiguration is
    garbage-collected, which never happens in the PDF child (it ends with os._exit): every
    build would leave 800 KB of fonts behind. The PDF is written by then."""
    folder = getattr(fonts, '_folder', None)  # WeasyPrint 68-70 keep it here
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        fonts._folder = None


def _printed_folio(page: Any) -> str | None:
    """The number printed in the page's bottom margin (None on openers and blank pages).

    Read from the laid-out margin boxes (WeasyPrint has no public API for it),
    so the EPUB's page numbers are the ones on paper whatever print.css does.
    """
    def text(box: Any) -> str:
        return (getattr(box, 'text', '') or '') + ''.join(text(c) for c in getattr(box, 'children', ()))
    for box in getattr(getattr(page, '_page_box', None), 'children', ()):
        if getattr(box, 'at_keyword', '').startswith('@bottom'):
            printed = text(box).strip()
            if re.fullmatch(r'[0-9]+|[ivxlcdm]+', printed):
                return printed
    return None


@dataclass(frozen=True)
class _NoteBox:
    """One laid-out box of a footnote: its call in the text, or a box of its body."""

    page: int  # 0-based
    note: str  # the footnote's id
    call: bool
    whole: bool  # a body box whose footnote area lies within its page area


def _note_boxes(document: Any) -> list[_NoteBox] | None:
    """Every footnote box of the laid-out ``document``, page by page; None for a WeasyPrint
    that keeps no boxes (the tests still check the real PDF)."""
    found: list[_NoteBox] = []
    for number, page in enumerate(document.pages):
        page_box = getattr(page, '_page_box', None)  # WeasyPrint keeps the laid-out boxes here
        if page_box is None:
            return None
        top = page_box.content_box_y()
        bottom = top + page_box.height  # the page area; a footnote area never reaches past it
        for index, area in enumerate(page_box.children):
            whole = area.position_y >= top - 0.5 and area.content_box_y() + area.height <= bottom + 0.5
            for box in area.descendants():
                element = getattr(box, 'element', None)
                if element is None or 'footnote' not in (element.get('class') or '').split():
                    continue
                if getattr(box, 'footnote', None) is not None:
                    found.append(_NoteBox(number, element.get('id'), True, True))
                elif index > 0:  # the footnote area follows the page's main flow
                    found.append(_NoteBox(number, element.get('id'), False, whole))
    return found


def misplaced_footnotes(document: Any) -> set[str]:
    """Ids of the footnotes whose body is not on the page of their call (or nowhere)."""
    return _misplaced(_note_boxes(document))


def deferred_footnotes(document: Any) -> set[str]:
    """Ids of the footnotes whose call is on one page and whose body is wholly on the next
    (WeasyPrint defers a note there when the line of its call ends a full page, as TeX does):
    the text is all there, a page late. A body on a later page, or cut off by its page, is not."""
    return _deferred(_note_boxes(document))


def _misplaced(boxes: list[_NoteBox] | None) -> set[str]:
    by_page: dict[int, tuple[set[str], set[str]]] = {}
    for box in boxes or ():
        calls, bodies = by_page.setdefault(box.page, (set(), set()))
        (calls if box.call else bodies).add(box.note)
    return set().union(*(calls ^ bodies for calls, bodies in by_page.values()))


def _deferred(boxes: list[_NoteBox] | None) -> set[str]:
    calls: dict[str, int] = {}
    bodies: dict[str, set[int]] = {}  # a body is several boxes (block, lines): one page each
    for box in boxes or ():
        if box.call:
            calls.setdefault(box.note, box.page)
        else:
            bodies.setdefault(box.note, set()).add(box.page if box.whole else -1)
    return {note for note, page in calls.items() if bodies.get(note) == {page + 1}}


def _pdf_options(book: RenderedBook, folios: tuple[str | None, ...] = (),
                 fonts: list[tuple[str, bool]] | None = None) -> dict[str, Any]:
    """write_pdf options: variant, tags, a pinned identifier for reproducible builds, and the
    page labels and reading direction the finisher adds (it also tells ``fonts`` the PDF's)."""
    settings = book.metadata.print_settings
    identifier = hashlib.sha256(book.metadata.identifier.encode()).hexdigest()[:32]
    options: dict[str, Any] = {'pdf_identifier': identifier.encode(), 'pdf_variant': settings.variant,
               'pdf_tags': settings.tagged}
    if settings.variant and settings.variant.startswith('pdf/x') and settings.variant != 'pdf/x-1a':
        # PDF/X-1a gets the CMYK profile (colour.py). PDF/X-4 keeps
        # WeasyPrint's sRGB profile as its intent: WeasyPrint writes CSS colours
        # and images as DeviceRGB, which PDF/X-4 allows only under an RGB intent.
        options['output_intent'] = 'srgb'
    rtl = book.metadata.direction == 'rtl'
    labels = page_labels(folios)

    def finish(document: Any, pdf: Any) -> None:
        if rtl:
            _right_to_left(document, pdf)
        _label_pages(pdf, labels)
        if fonts is not None:
            fonts.extend(document_fonts(pdf))
    options['finisher'] = finish
    return options


def page_labels(folios: tuple[str | None, ...]) -> list[tuple[int, str]]:
    """(first page index, numbering style) of each run of page labels: lower-case roman from the
    first page, arabic from where the body's page 1 is (read from the printed folios, since
    openers and blank pages print none), so a viewer's page numbers are the printed ones."""
    start = next((index - int(folio) + 1 for index, folio in enumerate(folios)
                  if folio is not None and folio.isdigit()), None)
    if start is None or start < 0:
        return [(0, 'r')] if any(folios) else []
    return [(0, 'r'), (start, 'D')] if start > 0 else [(0, 'D')]


def _label_pages(pdf: Any, labels: list[tuple[int, str]]) -> None:
    """The catalog's /PageLabels (PDF 1.7 §12.4.2)."""
    import pydyf  # WeasyPrint's PDF writer

    if not labels:
        return
    numbers = pydyf.Array()
    for index, style in labels:
        numbers.extend([index, pydyf.Dictionary({'S': f'/{style}'})])
    pdf.catalog['PageLabels'] = pydyf.Dictionary({'Nums': numbers})


def _right_to_left(document: Any, pdf: Any) -> None:
    """Viewers show a right-to-left book's spreads with page 1 on the right (PDF 1.7 §12.2)."""
    import pydyf  # WeasyPrint's PDF writer

    preferences = pdf.catalog.get('ViewerPreferences') or pydyf.Dictionary()
    preferences['Direction'] = '/R2L'
    pdf.catalog['ViewerPreferences'] = preferences


def _already_reported(record: logging.LogRecord) -> bool:
    """False for what WeasyPrint logs that the render stage already reported with its file and
    line: an image with empty alt text (MB304). Printed, it came once per layout with no place."""
    return not record.getMessage().endswith('has no required alt description')


class _LogCollector(logging.Handler):
    """WeasyPrint logs unreadable resources as errors and renders on; we stop."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        # WeasyPrint catches a MemoryError from the memory bound (safety/limits.py) and logs it blank.
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


def _cmyk_fetcher_class(base: type, urls: ModuleType) -> type:
    response: Any = urls.URLFetcherResponse

    class Converted(response):  # type: ignore[misc]  # WeasyPrint's classes are untyped
        path = None  # or WeasyPrint reads the image again from its file

    class CmykFetcher(base):  # type: ignore[misc]  # BookFetcher, over WeasyPrint's untyped class
        """The book's fetcher, its raster images converted to CMYK JPEGs (PDF/X-1a)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            response = super().fetch(url, headers)
            body = response.read()
            kind = response.headers.get_content_type()
            if kind in colour.RASTER_TYPES or re.search(r'\.(png|jpe?g|gif|webp)$', url, re.I):
                return Converted(response.url, body=colour.to_cmyk_jpeg(body),
                                 headers={'Content-Type': 'image/jpeg'})
            return urls.URLFetcherResponse(response.url, body=body, headers=response.headers)

    return CmykFetcher


def _fetcher_class(urls: ModuleType) -> type:
    fetcher: Any = urls.URLFetcher

    class BookFetcher(fetcher):  # type: ignore[misc]  # WeasyPrint's classes are untyped
        """Serves ``file:`` URLs inside the allowed folders and small ``data:`` URLs only.

        The decisions are :mod:`makebook.safety.resources`'s, shared with every other stage.
        """

        def __init__(self, allowed: list[Path], assets: dict[Path, Asset] | None = None,
                     svg_families: str | None = None) -> None:
            super().__init__(allowed_protocols={'file', 'data'}, allow_redirects=False,
                             fail_on_errors=True)
            self._confinement = resources.Confinement.of(allowed)
            # The book's images by where the document names them: those downloaded with
            # --allow-remote live outside the book, and an SVG may have been rewritten.
            self._assets = dict(assets or {})
            self._svg_families = svg_families  # an SVG's text is set in the book's faces

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = resources.scheme(url)
            try:
                if scheme == 'data':
                    problem = resources.data_image_problem(url, loads_nothing=False)  # too large, say
                    if problem:
                        raise resources.Refused(problem)
                    media_type, body = resources.data_url(url)
                    return urls.URLFetcherResponse(url, body=body,
                                                   headers={'Content-Type': media_type})
                if scheme != 'file':
                    raise resources.Refused(f'{url[:200]}: {resources.REMOTE_HINT}')
                asset = self._assets.get(resources.file_url_target(url))
                if asset is not None:
                    body = asset.content()
                    if asset.media_type == 'image/svg+xml' and self._svg_families:
                        body = svg_for_print(body, self._svg_families)
                    return urls.URLFetcherResponse(asset.source.as_uri(), body=body)
                path = resources.file_url_path(url, self._confinement)
            except resources.Refused as exc:
                raise urls.FatalURLFetchingError(f'{url[:200]}: {exc}') from None
            return urls.URLFetcherResponse(path.as_uri(), body=path.read_bytes())

    return BookFetcher
