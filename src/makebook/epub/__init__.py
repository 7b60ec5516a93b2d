"""The EPUB 3 edition. The only package that imports ebooklib.

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

import concurrent.futures
import datetime as dt
import io

from ebooklib import epub

from makebook import codes
from makebook.cache import Cache
from makebook.epub.cover import draw_early
from makebook.epub.nav import finish_ncx
from makebook.epub.package import Deflater, build_package, finish_opf, reproducible_zip
from makebook.errors import OutputError
from makebook.model import Manuscript, PrintedBook, RenderedBook
from makebook.theme import deflated

OPF = 'EPUB/content.opf'
NCX = 'EPUB/toc.ncx'


def write_epub(book: RenderedBook, printed: PrintedBook | None = None, cache: Cache | None = None) -> bytes:
    """The EPUB file's bytes; identical for identical input.

    ``printed``, the print edition when it was made in the same run, adds print
    page markers, the page-list and the metadata naming the print edition.
    Without it the EPUB has none of these (the blocks keep their ids, so the
    bytes are otherwise the same). ``cache``, when given, keeps each chapter's
    document while it is unchanged (epub/package.py).
    """
    pages = printed.pages if printed is not None else None
    # Two threads deflate the entries while this one makes the documents (zlib lets go of
    # Python's lock): the same archive, made with the second core's help.
    pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix='make-book-deflate')
    try:
        deflater = Deflater(pool)
        package = build_package(book, pages, cache, deflater.ahead)
        data = _ebooklib_zip(book, package)
        return reproducible_zip(data, book.metadata.modified,
                                {OPF: lambda data: finish_opf(data, book.metadata),
                                 NCX: lambda data: finish_ncx(data, book, pages)}, deflater)
    finally:  # a failed EPUB (or a stopped build) does not wait for the entries still queued
        pool.shutdown(wait=True, cancel_futures=True)


def start_early(manuscript: Manuscript, formats: tuple[str, ...], jobs: int) -> None:
    """What an EPUB needs of the metadata alone, begun as soon as a build knows it makes one
    (build.py), while the manuscript is still converted, on a core the build does not use yet:
    the typographic cover drawn in a child process, and the book face's font files (every EPUB
    carries them whole) deflated in a thread (together a fifth of the EPUB's CPU on a
    200,000-word novel). No child with ``jobs`` 1 (one process), nor with a PDF: the EPUB comes
    after the layout, and the child would hold its memory all through it for 0.04 s."""
    if jobs != 1 and 'pdf' not in formats:
        draw_early(manuscript.metadata)
    deflated.deflate_book_face()  # (the command started it already: the same, kept)


def _ebooklib_zip(book: RenderedBook, package: epub.EpubBook) -> bytes:
    """ebooklib's archive of ``package``, entries stored (:func:`reproducible_zip` re-packs it)."""
    # Written in memory, not in a temporary file: the EPUB is wanted as bytes anyway, and a
    # file could fail half-way (a full disk, ulimit -f) and leave ZipFile to complain about it,
    # traceback and all, when it is collected. Writing the outputs is output.py's.
    buffer = io.BytesIO()
    options = {
        'raise_exceptions': True,
        # Stored, not deflated: reproducible_zip re-packs (and deflates) every entry anyway.
        'compresslevel': 0,
        'epub3_landmark': False,  # our nav.xhtml has the landmarks
        'epub3_pages': False,  # and the page-list
        # ebooklib formats this with a literal 'Z': it must be UTC.
        'mtime': book.metadata.modified.astimezone(dt.UTC).replace(tzinfo=None),
    }
    try:
        written = epub.write_epub(buffer, package, options)
    except Exception as exc:  # ebooklib raises bare Exceptions of many kinds
        raise OutputError(f'ebooklib could not write the EPUB: {exc}',
                          code=codes.EPUB_UNWRITABLE.id) from exc
    if written is False or not buffer.getbuffer().nbytes:
        raise OutputError('ebooklib could not write the EPUB', code=codes.EPUB_UNWRITABLE.id)
    return buffer.getvalue()
