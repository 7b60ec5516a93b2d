"""The pipeline: read, render, check the whole book, then make and write each format.

Each output format is a :class:`Format` in :data:`FORMATS_REGISTRY`: its name,
the formats whose results it can use when they are made in the same run (the
EPUB takes the PDF's page breaks), and its writer, imported only when the
format is asked for. Nothing is written until every requested format has been
made in memory, so a failure anywhere leaves the previous outputs as they were.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import warnings as python_warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from makebook import codes, fresh
from makebook.cache import Cache
from makebook.checks import check_book
from makebook.errors import BookError, Diagnostic, MakeBookError, Severity, errors_in, unique
from makebook.model import FORMATS, BuildOptions, Manuscript, PrintedBook, RenderedBook
from makebook.render import render_book
from makebook.safety import limits, output, remote
from makebook.source import gather_manuscript

LOGGER = logging.getLogger('makebook')

# What a writer makes: a file's bytes, or a folder's files by their relative paths.
Made = bytes | Mapping[str, bytes]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: how it is made and where it goes."""

    name: str  # as the command line names it
    title: str  # for the progress log
    writer: str  # 'module:function', imported only when the format is built
    uses: tuple[str, ...] = ()  # formats whose results it takes when they are built too
    bounded: bool = False  # run in a child process within MAKEBOOK_<NAME>_SECONDS / _MEMORY_MB
    cached: bool = False  # the writer takes the build's cache (cache.py) as ``cache=``

    def target(self, slug: str) -> str:
        """The output's name in the output folder ('html' is a folder)."""
        return 'html' if self.name == 'html' else f'{slug}.{self.name}'


# In the order they are made: a format comes after those it uses.
FORMATS_REGISTRY: tuple[Format, ...] = (
    Format('pdf', 'the PDF', 'makebook.pdf:print_edition', bounded=True, cached=True),
    Format('epub', 'the EPUB', 'makebook.epub:write_epub', uses=('pdf',)),
    Format('html', 'the web edition', 'makebook.web:web_edition'),
)
assert {f.name for f in FORMATS_REGISTRY} == set(FORMATS)


@dataclass(frozen=True, slots=True)
class BuildResult:
    outputs: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...]
    layout: str = ''  # the project layout the manuscript was read by, for the user to see


def build(options: BuildOptions, freshness: fresh.Freshness | None = None) -> BuildResult:
    """Build the requested formats; raises :class:`~makebook.errors.MakeBookError`.

    A failure carries the book's warnings too (after its errors) and the layout the
    manuscript was read by: the author sees everything one run found, built or not.
    When nothing changed since the last good build of the same command (fresh.py),
    the outputs are left untouched and that build's report is returned. ``freshness``
    is :func:`fresh.check`'s finding when the caller has looked already.
    """
    freshness = freshness or fresh.check(options)
    if freshness.replay is not None:
        freshness.replay.warn()
        return BuildResult(freshness.replay.outputs, freshness.replay.warnings, freshness.replay.layout)
    # A library's warnings are kept for the record (the fast path repeats them) and passed on.
    passed_on: list[python_warnings.WarningMessage] = []
    try:
        with python_warnings.catch_warnings(record=True) as caught:
            try:
                result, written, cache, remote_images = _build(options)
            finally:
                passed_on = list(caught)
    finally:  # built or not, outside the recording
        for warning in passed_on:
            python_warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                          warning.lineno)
    if not remote_images:  # a downloaded image may change behind the same address
        freshness.remember(cache, result.outputs, written, result.warnings, result.layout,
                           [str(w.message) for w in passed_on])
    cache.sweep()  # only after a good build: one book's worth is kept
    LOGGER.info('Cache: %d reused, %d made', cache.hits, cache.misses)
    return result


def _build(options: BuildOptions) -> tuple[BuildResult, list[Path], Cache, bool]:
    LOGGER.info('Step 1 - Reading %s', options.manuscript)
    with limits.stage('reading the manuscript'):
        # Errors are reported with the rest; the command line's print settings merged in.
        manuscript = gather_manuscript(options.manuscript, options.print_overrides)
    try:
        return _build_with_downloads(options, manuscript)
    except MakeBookError as exc:
        exc.layout = exc.layout or manuscript.layout
        raise


def _build_with_downloads(options: BuildOptions,
                          manuscript: Manuscript) -> tuple[BuildResult, list[Path], Cache, bool]:
    # Remote images (only when asked) are downloaded into a swept temporary folder
    # of the output folder, removed when the build ends.
    cache = _cache_for(options.out_dir, manuscript.root)
    written: list[Path] = []
    with remote.for_build(options.allow_remote, manuscript.metadata.allow_remote,
                          lambda: output.temp_folder(options.out_dir, manuscript.root,
                                                     'remote')) as download:
        result = _build_from(options, manuscript, download, cache, written)
    return result, written, cache, options.allow_remote or manuscript.metadata.allow_remote


def _cache_for(out_dir: Path, root: Path) -> Cache:
    """The cache in the output folder (cache.py); until a first good build has made the folder,
    one that keeps its entries in memory (a failed build creates no folder)."""
    if out_dir.is_dir() and not output.holds_manuscript(out_dir, root):
        return Cache.in_output_folder(out_dir.resolve())
    return Cache.deferred()


def _build_from(options: BuildOptions, manuscript: Manuscript, download: remote.Downloader | None,
                cache: Cache, files_written: list[Path]) -> BuildResult:
    LOGGER.info('Step 2 - Rendering %d files', len(manuscript.files))
    with limits.stage('rendering'):
        book = render_book(manuscript, download, cache, options.jobs or os.cpu_count() or 1)
    LOGGER.info('Step 3 - Checking %d chapters', len(book.chapters))
    with limits.stage('checking'):
        problems = unique([*manuscript.diagnostics, *check_book(book, options.formats)])
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    errors = errors_in(problems)
    formats = options.formats
    # A problem only the print edition has (a character no face has) does not stop the others.
    pdf_only = [e for e in errors if e.code in PDF_ONLY_CODES]
    if errors and len(pdf_only) == len(errors) and set(formats) - {'pdf'}:
        formats = tuple(f for f in formats if f != 'pdf')
    elif errors:
        noun = 'problem' if len(errors) == 1 else 'problems'
        raise BookError(f'{options.manuscript}: the book has errors: {len(errors)} {noun} found',
                        [*errors, *warnings])
    if options.strict and warnings:
        raise BookError(f'{len(warnings)} warnings in --strict mode', [*pdf_only, *warnings])
    result = _make_and_write(options, manuscript, book, formats, warnings, cache, files_written)
    if pdf_only:
        noun = 'problem' if len(pdf_only) == 1 else 'problems'
        written = ', '.join(str(path) for path in result.outputs)
        raise BookError(f'{options.manuscript}: the PDF was not made ({len(pdf_only)} {noun}); '
                        f'written: {written}', [*pdf_only, *warnings])
    return result


# Codes of problems that only the print edition has: the EPUB and web edition are made anyway.
PDF_ONLY_CODES = frozenset({codes.MISSING_GLYPH.id})


def _make_and_write(options: BuildOptions, manuscript: Manuscript, book: RenderedBook,
                    formats: tuple[str, ...], warnings: tuple[Diagnostic, ...], cache: Cache,
                    files_written: list[Path]) -> BuildResult:
    out_dir = output.prepare_out_dir(options.out_dir, manuscript.root)
    cache.settle(out_dir)
    try:
        made = make_formats(book, formats, cache)
    except MakeBookError as exc:  # the PDF's own problems, then what the book had already
        exc.diagnostics = unique([*exc.diagnostics, *warnings])
        raise
    LOGGER.info('Step %d - Writing %d outputs to %s', 4 + len(made), len(made), out_dir)
    written = []
    for fmt in FORMATS_REGISTRY:  # the EPUB first, as the user lists them
        if fmt.name not in made:
            continue
        path = out_dir / fmt.target(book.metadata.slug)
        content = made[fmt.name]
        if isinstance(content, bytes):
            output.write_file(path, content)
            main_file = path
            files_written.append(path)
        else:
            output.write_folder(path, content)
            main_file = path / 'index.html'
            files_written.extend(path / name for name in content)
        written.append((FORMATS.index(fmt.name), options.out_dir / main_file.relative_to(out_dir)))
    return BuildResult(outputs=tuple(path for _, path in sorted(written)), warnings=warnings,
                       layout=manuscript.layout)


def make_formats(book: RenderedBook, formats: tuple[str, ...], cache: Cache | None = None) -> dict[str, Made]:
    """Every format of ``formats`` made in memory, by name; nothing is written."""
    results: dict[str, Any] = {}
    made: dict[str, Made] = {}
    for step, fmt in enumerate((f for f in FORMATS_REGISTRY if f.name in formats), start=4):
        LOGGER.info('Step %d - Making %s', step, fmt.title)
        writer = _writer(fmt)
        if fmt.cached and cache is not None:
            writer = functools.partial(writer, cache=cache)
        inputs = [results.get(name) for name in fmt.uses]  # None: not built in this run
        if fmt.bounded:  # WeasyPrint can be made to run for ever or eat all memory
            result = limits.run_bounded(writer, book, *inputs, stage=fmt.name.upper(),
                                        bounds=limits.bounds_from_environment(fmt.name.upper()))
        else:
            with limits.stage(fmt.title):
                result = writer(book, *inputs)
        results[fmt.name] = result
        made[fmt.name] = result.pdf if isinstance(result, PrintedBook) else result
    return made


def _writer(fmt: Format) -> Callable[..., Any]:
    module, _, function = fmt.writer.partition(':')
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]
