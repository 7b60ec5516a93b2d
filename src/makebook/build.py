"""The pipeline: read, render, check the whole book, then make and write each format.

Nothing is written until every requested format has been made in memory, so a
failure anywhere leaves the previous outputs as they were.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

from makebook import guards, limits, output, remote
from makebook.check import check_book
from makebook.config import BuildOptions
from makebook.errors import BookError, Diagnostic, Severity, fail_on_errors
from makebook.manuscript import Manuscript, gather_manuscript
from makebook.print_settings import with_overrides
from makebook.render import RenderedBook, render_book

LOGGER = logging.getLogger('makebook')


@dataclass(frozen=True, slots=True)
class BuildResult:
    outputs: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...]
    layout: str = ''  # the project layout the manuscript was read by, for the user to see


def build(options: BuildOptions) -> BuildResult:
    """Build the requested formats; raises :class:`~makebook.errors.MakeBookError`."""
    LOGGER.info('Step 1 - Reading %s', options.manuscript)
    with guards.stage('reading the manuscript'):
        manuscript = gather_manuscript(options.manuscript)  # errors are reported with the rest
    # Remote images (only when asked) are downloaded into a swept temporary folder
    # of the output folder, removed when the build ends.
    with remote.for_build(options.allow_remote, manuscript.metadata.allow_remote,
                          lambda: output.temp_folder(options.out_dir, manuscript.root,
                                                     'remote')) as download:
        return _build_from(options, manuscript, download)


def _build_from(options: BuildOptions, manuscript: Manuscript,
                download: remote.Downloader | None) -> BuildResult:
    LOGGER.info('Step 2 - Rendering %d files', len(manuscript.files))
    with guards.stage('rendering'):
        book = render_book(manuscript, download)
    if options.extra.get('print'):  # --notes, --pdf-variant, --print-ready
        book = _with_print_overrides(book, options.extra['print'])
    LOGGER.info('Step 3 - Checking %d chapters', len(book.chapters))
    with guards.stage('checking'):
        problems = [*manuscript.diagnostics, *check_book(book)]
    fail_on_errors(problems, f'{options.manuscript}: the book has errors')
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    if options.strict and warnings:
        raise BookError(f'{len(warnings)} warnings in --strict mode', warnings)

    out_dir = output.prepare_out_dir(options.out_dir, manuscript.root)
    slug = book.metadata.slug
    made: list[tuple[Path, bytes | dict[str, bytes]]] = []
    pages, epub_book = None, book
    if 'pdf' in options.formats:
        from makebook.pagination import print_pages, with_block_ids
        from makebook.pdf import print_edition
        LOGGER.info('Step 4 - Making the PDF')
        # Laid out first, with an id on every block, so the EPUB can carry its
        # page numbers (the ids are there whether or not the EPUB is asked, so
        # the PDF is the same either way).
        epub_book = with_block_ids(book)
        # WeasyPrint can be made to run for ever or eat all memory: bound it.
        printed = limits.run_bounded(print_edition, epub_book, stage='PDF',
                                     bounds=limits.bounds_from_environment('PDF'))
        pages = print_pages(epub_book, printed.anchors, printed.folios)
        made.append((out_dir / f'{slug}.pdf', printed.pdf))
    if 'epub' in options.formats:
        from makebook.epub import write_epub
        LOGGER.info('Step 5 - Making the EPUB')
        with guards.stage('EPUB'):
            made.insert(0, (out_dir / f'{slug}.epub', write_epub(epub_book, pages)))
    if 'html' in options.formats:
        from makebook.html import web_edition
        LOGGER.info('Step 6 - Making the web edition')
        with guards.stage('web edition'):
            made.append((out_dir / 'html', dict(web_edition(book))))

    LOGGER.info('Step 7 - Writing %d outputs to %s', len(made), out_dir)
    written = []
    for path, content in made:
        if isinstance(content, bytes):
            output.write_file(path, content)
            main_file = path
        else:
            output.write_folder(path, content)
            main_file = path / 'index.html'
        written.append(options.out_dir / main_file.relative_to(out_dir))  # as the user named it
    return BuildResult(outputs=tuple(written), warnings=warnings, layout=manuscript.layout)


def _with_print_overrides(book: RenderedBook, overrides: dict) -> RenderedBook:
    """The book with the command line's print settings over the metadata's."""
    meta = book.metadata
    settings = with_overrides(meta.print_settings, overrides)
    return dataclasses.replace(book, metadata=dataclasses.replace(meta, print_settings=settings))
