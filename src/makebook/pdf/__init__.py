"""The print edition. The only package that imports WeasyPrint.

The whole book becomes one HTML document (:mod:`~makebook.pdf.document`)
styled by ``styles/print.css`` and the book's geometry
(:mod:`~makebook.pdf.geometry`), laid out by WeasyPrint
(:mod:`~makebook.pdf.engine`) a chapter at a time, the pages joined
(:mod:`~makebook.pdf.pieces`). Laying out is repeated while it changes
something (:func:`print_edition`): the gutter depends on the page count, and
WeasyPrint cannot split a footnote over two pages, so notes too tall for the
room under their call are cut and continued (:mod:`~makebook.pdf.boxes`,
:mod:`~makebook.pdf.splits`). The result carries where each printed page
begins (:mod:`~makebook.pdf.pages`), for the EPUB's page-list.
"""

from __future__ import annotations

import logging
from pathlib import Path

from makebook import codes
from makebook.cache import Cache
from makebook.errors import BookError, Diagnostic
from makebook.model import PrintedBook, RenderedBook
from makebook.pdf import engine, geometry, justify, splits
from makebook.pdf.engine import Layout, lay_out
from makebook.pdf.fonts import check_embedded, embedded_fonts
from makebook.pdf.pages import print_pages
from makebook.theme.faces import faces_for

__all__ = ['print_edition', 'write_pdf']

LOGGER = logging.getLogger('makebook')

# Layouts after the first: each may cut a note (or a continuation) or relax a paragraph.
_NOTE_PASSES = 6


def write_pdf(book: RenderedBook) -> bytes:
    """The PDF's bytes, laid out by WeasyPrint, its fonts checked."""
    return print_edition(book).pdf


# The cache's namespace for the page count of the book's last layout (cache.py).
PAGES_NAMESPACE = 'pdf/pages'
# ... and for the lines chosen for each block of running text (justify.recall), by its markup
# and measure: a rebuild decides again only the blocks that changed.
JUSTIFY_NAMESPACE = 'pdf/justify'
# ... and for the page of each id a piece prints the page of (the contents, page references):
# a rebuild's first layout tells each piece the pages the last build found, mostly still right.
REFERENCES_NAMESPACE = 'pdf/references'


def print_edition(book: RenderedBook, cache: Cache | None = None, pieces: bool = True,
                  jobs: int = 0) -> PrintedBook:
    """The PDF, with where each of its pages begins (for the EPUB's page-list).

    The gutter depends on the page count, which is known only after layout:
    the first pass uses the page count of the book's previous layout (from
    ``cache``), else an estimate, and another pass is made only when the real
    count lands in another gutter step, or a note must be cut or relaxed.
    With ``pieces`` the book is laid out a chapter at a time, and a layout after the first lays
    out again only the chapters it changes (:mod:`~makebook.pdf.pieces`); the pages are the
    same as the single document's; ``jobs`` body pieces are laid out at once (0: one per core).
    Raises :class:`BookError` for a note that cannot be made to fit.
    """
    cache = cache or Cache.off()
    # Only a first guess, checked like the estimate: any book's count is safe here.
    pages_key = cache.key(PAGES_NAMESPACE, str(book.root), book.metadata.identifier)
    previous = cache.load(PAGES_NAMESPACE, pages_key)
    estimate = previous if isinstance(previous, int) and previous > 0 else geometry.estimate_pages(book)
    justify_key = cache.key(JUSTIFY_NAMESPACE, str(book.root), book.metadata.identifier)
    justify.recall(cache.load(JUSTIFY_NAMESPACE, justify_key))
    refs_key = cache.key(REFERENCES_NAMESPACE, str(book.root), book.metadata.identifier)
    session = engine.Session(book, pieces, cache, jobs,
                             _page_numbers(cache.load(REFERENCES_NAMESPACE, refs_key)))
    try:
        layout = lay_out(book, estimate, session=session)
        layout, passes = _final_layout(book, layout, estimate, session)
        LOGGER.info('PDF: %d pages, laid out %d %s (%d chapter pieces laid out, %d reused, %d from the '
                    'cache; %d laid out by a second process)', layout.pages, passes,
                    'time' if passes == 1 else 'times', session.rendered, session.reused, session.recalled,
                    session.shared)
        # A note still misplaced after cutting and relaxing but whole at the foot of the next
        # page is kept there with a warning (TeX defers a note so); one lost, cut off or further
        # away (a note taller than a whole page's room, or in a place that cannot be cut) is an error.
        found = layout.found
        deferred = set(found.misplaced) & found.deferred
        if found.misplaced - deferred:
            _notes_that_do_not_fit(book, set(found.misplaced - deferred))
        fonts: list[tuple[str, bool]] = []
        pdf = engine.write(book, layout, fonts)
        referenced = session.referenced
    finally:
        session.close()
    # Read as the PDF was written, not back from its bytes (the same fonts: fonts.document_fonts).
    check_embedded(fonts or embedded_fonts(pdf), [face.family for face in faces_for(book)])
    cache.store(PAGES_NAMESPACE, pages_key, layout.pages)
    cache.store(REFERENCES_NAMESPACE, refs_key, referenced)
    # The pieces of this build's layouts are kept; older ones (an edited chapter's) go.
    cache.sweep([engine.Session.NAMESPACE, engine.Session.FOLIOS_NAMESPACE])
    cache.store(JUSTIFY_NAMESPACE, justify_key, justify.recalled())
    return PrintedBook(pdf, print_pages(book, found.anchors, found.folios),
                       tuple(_note_on_next_page(book, note) for note in sorted(deferred)), layout.pages)


def _page_numbers(stored: object) -> dict[str, int]:
    """A stored {id: page} (anything else, or any entry of another kind, is left out)."""
    if not isinstance(stored, dict):
        return {}
    return {key: value for key, value in stored.items()
            if isinstance(key, str) and type(value) is int and value > 0}


def _final_layout(book: RenderedBook, layout: Layout, estimate: int,
                  session: engine.Session) -> tuple[Layout, int]:
    """The layout to print, and how many layouts it took: laid out again while the gutter
    is not the one its page count calls for, or a note must be cut or relaxed."""
    holder = [layout]  # the layout held now, released if anything fails
    try:
        return _lay_out_until_final(book, holder, estimate, session)
    except BaseException:
        holder[0].release()
        raise


def _lay_out_until_final(book: RenderedBook, holder: list[Layout], estimate: int,
                         session: engine.Session) -> tuple[Layout, int]:
    layout = holder[0]
    passes = 1
    stray = set(layout.found.misplaced)
    loose: set[str] = set()
    firm: set[str] = set()  # blocks never relaxed: relaxing them moved a page's notes away
    cuts: dict[str, splits.NoteSplit] = {}
    for _ in range(_NOTE_PASSES):
        if geometry.gutter_extra(layout.pages) != geometry.gutter_extra(estimate):
            # The gutter first: notes are cut only on a layout with the gutter its page
            # count calls for, so a build that starts from the previous build's count
            # cuts the very notes a build from the estimate does (the same PDF).
            estimate = layout.pages
            layout = holder[0] = _again(book, layout, estimate, loose, cuts, firm, session)
            passes += 1
            stray = set(layout.found.misplaced)
            continue
        # A continuation must be on the page after its call's; the text moved
        # when the note's first part took room there: anchor it again.
        moved = list(layout.found.moved)
        cuts.update((split.note_id, split) for split in moved)
        if not stray and not moved:
            break
        # A note taller than the room under its call is cut, and the rest
        # continued on the next page (WeasyPrint 70 cannot: #1833).
        for split in layout.found.splits:
            _cut_again(cuts, split)
            stray.discard(split.note_id)
        # WeasyPrint 70 can lose a footnote, or put it on the next page, when
        # widows/orphans push the line of its call over a page break (compare
        # WeasyPrint #2432). The paragraphs holding such notes are laid out
        # again with widows and orphans relaxed.
        loose |= stray
        # ... and so can a page whose last paragraph WeasyPrint could not break as it wanted
        # (it then moves the page's notes away from their calls): that paragraph relaxes too.
        # A relaxed block that ends such a page (its first line pushed the notes away) is
        # made firm again, for good.
        for block, culprit in layout.found.foot:
            if culprit:
                firm.add(block)
            elif block not in firm:
                loose.add(block)
        estimate = layout.pages
        layout = holder[0] = _again(book, layout, estimate, loose, cuts, firm, session)
        passes += 1
        stray = set(layout.found.misplaced)
    return layout, passes


def _cut_again(cuts: dict[str, splits.NoteSplit], split: splits.NoteSplit) -> None:
    """Put ``split`` in ``cuts``: a part cut again replaces its old cut and whatever followed from
    it (its continuations, 'fn-x-cont', 'fn-x-cont-cont'), not the cut of another note whose id
    merely begins with its own ('fn-n2-1' is not 'fn-n2-18')."""
    for key in [k for k in cuts if k == split.note_id or k.startswith(split.note_id + splits.CONTINUED)]:
        del cuts[key]
    cuts[split.note_id] = split


def _again(book: RenderedBook, previous: Layout, pages: int, loose: set[str],
           cuts: dict[str, splits.NoteSplit], firm: set[str], session: engine.Session) -> Layout:
    """Another layout; the previous one released first, so that only one is held in memory
    (with the pieces the next may reuse)."""
    previous.release()
    return lay_out(book, pages, frozenset(loose), tuple(cuts.values()), frozenset(firm), session)


def _note_on_next_page(book: RenderedBook, note: str) -> Diagnostic:
    chapter = book.chapter_of(note)
    path = book.root / chapter.source if chapter is not None else None
    return codes.NOTE_ON_NEXT_PAGE(
        f"the footnote '{note}' is set whole at the foot of the next page, not under its call "
        '(the layout found no room for it there)', path, _note_line(path, note) if path is not None else None)


def _notes_that_do_not_fit(book: RenderedBook, stray: set[str]) -> None:
    """Raise a book error naming each note, in its file, at the line that defines it."""
    problems: list[Diagnostic] = []
    where = []
    for note in sorted(stray):
        base = note.split(splits.CONTINUED)[0]  # the Markdown note a continuation comes from
        chapter = book.chapter_of(base)
        source = chapter.source if chapter is not None else '?'
        where.append(f'{note} in {source}')
        path = book.root / source if chapter is not None else None
        problems.append(codes.NOTE_DOES_NOT_FIT(
            f"the footnote '{base}' does not fit at the foot of its page; shorten it, or print "
            'notes as endnotes (--notes chapter-endnotes)', path,
            _note_line(path, base) if path is not None else None))
    raise BookError(f'PDF: footnotes that do not fit at the foot of their page: {", ".join(where)}; '
                    'shorten them, or print notes as endnotes (--notes chapter-endnotes)', problems)


def _note_line(path: Path, note_id: str) -> int | None:
    """The line defining the note whose id is ``note_id`` ('fn-x', or 'fn-x-2' when the id was
    taken): where '[^x]:' is written."""
    try:
        lines = path.read_text(encoding='utf-8').splitlines()
    except (OSError, UnicodeError):
        return None
    label = note_id.removeprefix('fn-')
    candidates = [label, label.rsplit('-', 1)[0]] if label.rsplit('-', 1)[-1].isdigit() else [label]
    for candidate in candidates:
        for number, line in enumerate(lines, start=1):
            if line.lstrip().startswith(f'[^{candidate}]:'):
                return number
    return None
