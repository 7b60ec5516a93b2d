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
import re
import time
import warnings as python_warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from makebook import codes, fresh
from makebook.cache import Cache
from makebook.checks import check_book, without_ignored
from makebook.errors import BookError, Diagnostic, MakeBookError, Severity, errors_in, unique
from makebook.model import (
    DEFAULT_OUT_DIR,
    FORMATS,
    BuildOptions,
    Manuscript,
    NoProgress,
    PrintedBook,
    Progress,
    RenderedBook,
)
from makebook.render import render_book
from makebook.safety import limits, output, remote
from makebook.source import gather_manuscript
from makebook.theme import faces

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
    shared: bool = False  # the writer takes the processes it may use at once as ``jobs=``
    # 'module:function' called with the manuscript, formats and jobs once the build knows it makes
    # this format, before the book is rendered: work that needs only the metadata, begun early
    # (never required: a speed-up).
    early: str = ''

    def target(self, slug: str) -> str:
        """The output's name in the output folder ('html' is a folder)."""
        return 'html' if self.name == 'html' else f'{slug}.{self.name}'


# In the order they are made: a format comes after those it uses.
FORMATS_REGISTRY: tuple[Format, ...] = (
    Format('pdf', 'the PDF', 'makebook.pdf:print_edition', bounded=True, cached=True, shared=True),
    Format('epub', 'the EPUB', 'makebook.epub:write_epub', uses=('pdf',), cached=True,
           early='makebook.epub:start_early'),
    Format('html', 'the web edition', 'makebook.web:web_edition', cached=True),
)
assert {f.name for f in FORMATS_REGISTRY} == set(FORMATS)


@dataclass(frozen=True, slots=True)
class Output:
    """One output written, for the summary the command line prints."""

    format: str  # 'epub', 'pdf', 'html'
    path: Path  # the main file (html/index.html for the web edition), as the user named the folder
    size: int  # bytes (all files of the web edition)
    seconds: float  # making it, in memory
    files: int = 1  # the web edition is a folder
    pages: int | None = None  # the PDF's


@dataclass(frozen=True, slots=True)
class BuildResult:
    outputs: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...]
    layout: str = ''  # the project layout the manuscript was read by, for the user to see
    # The same outputs with their sizes and times, for the summary (not part of what a build
    # reports: an unchanged book's replayed report has none).
    written: tuple[Output, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Plan:
    """The options with every choice made: command line, then ``make-book:`` settings, then defaults."""

    out_dir: Path
    formats: tuple[str, ...]
    strict: bool

    def options(self, given: BuildOptions) -> BuildOptions:
        """``given`` with these choices made."""
        return BuildOptions(given.manuscript, self.out_dir, self.formats, self.strict, given.allow_remote,
                            given.print_overrides, given.jobs)


def plan(options: BuildOptions, manuscript: Manuscript) -> Plan:
    settings = manuscript.settings
    return Plan(out_dir=options.out_dir or settings.output or DEFAULT_OUT_DIR,
                formats=options.formats or settings.formats or FORMATS,
                strict=options.strict if options.strict is not None else settings.strict is True)


def read(options: BuildOptions, progress: Progress | None = None) -> Manuscript:
    """The manuscript, every readable file of it (its problems in ``diagnostics``)."""
    (progress or NoProgress()).stage('reading the manuscript')
    with limits.stage('reading the manuscript'):
        # Errors are reported with the rest; the command line's print settings merged in.
        return gather_manuscript(options.manuscript, options.print_overrides)


def build(options: BuildOptions, freshness: fresh.Freshness | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build the requested formats; raises :class:`~makebook.errors.MakeBookError`.

    A failure carries the book's warnings too (after its errors) and the layout the
    manuscript was read by: the author sees everything one run found, built or not.
    When nothing changed since the last good build of the same command (fresh.py),
    the outputs are left untouched and that build's report is returned. ``freshness``
    is :func:`fresh.check`'s finding when the caller has looked already (for the
    options as given, with make-book's defaults for what they leave to the book's
    settings: see :meth:`BuildOptions.assumed`).
    """
    limits.check_environment()  # a bad bound is refused before any work
    # A library's warnings are kept for the record (the fast path repeats them) and passed on.
    passed_on: list[python_warnings.WarningMessage] = []
    try:
        # Within MAKEBOOK_BUILD_SECONDS and _MEMORY_MB, up to the outputs written (MB026, MB027).
        with limits.whole_build():
            freshness = freshness or fresh.check(options.assumed())
            if freshness.replay is not None:
                freshness.replay.warn()
                return BuildResult(freshness.replay.outputs, freshness.replay.warnings,
                                   freshness.replay.layout)
            with python_warnings.catch_warnings(record=True) as caught:
                try:
                    result, chosen, written, cache, remote_images = _build(options, progress or NoProgress())
                finally:
                    passed_on = list(caught)
    finally:  # built or not, outside the recording
        for warning in passed_on:
            python_warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                          warning.lineno)
    # The record is looked up with the options as given; it is kept only when the book's own
    # settings chose what those would have (a book whose settings choose another output
    # folder or formats is built each time).
    if not remote_images and freshness.options == chosen.options(options):
        freshness.remember(cache, result.outputs, written, result.warnings, result.layout,
                           [str(w.message) for w in passed_on])
    cache.sweep()  # only after a good build: one book's worth is kept
    LOGGER.info('Cache: %d reused, %d made', cache.hits, cache.misses)
    return result


def _build(options: BuildOptions,
           progress: Progress) -> tuple[BuildResult, Plan, list[Path], Cache, bool]:
    manuscript = read(options, progress)
    chosen = plan(options, manuscript)
    for fmt in (f for f in FORMATS_REGISTRY if f.early and f.name in chosen.formats):
        _writer(fmt, fmt.early)(manuscript, chosen.formats, options.jobs)
    try:
        # Remote images (only when asked) are downloaded into a swept temporary folder
        # of the output folder, removed when the build ends.
        cache = _cache_for(chosen.out_dir, manuscript.root)
        written: list[Path] = []
        with remote.for_build(options.allow_remote, manuscript.metadata.allow_remote,
                              lambda: output.temp_folder(chosen.out_dir, manuscript.root,
                                                         'remote')) as download:
            result = _build_from(options, chosen, manuscript, download, progress, cache, written)
    except MakeBookError as exc:
        exc.layout = exc.layout or manuscript.layout
        raise
    return result, chosen, written, cache, options.allow_remote or manuscript.metadata.allow_remote


def reading_cache(out_dir: Path, root: Path) -> Cache:
    """The cache of the last build, for commands that write no output (check, stats): used
    when the output folder exists, never creating it (off otherwise)."""
    if out_dir.is_dir() and not output.holds_manuscript(out_dir, root):
        return Cache.in_output_folder(out_dir.resolve())
    return Cache.off()


def _cache_for(out_dir: Path, root: Path) -> Cache:
    """The cache in the output folder (cache.py); until a first good build has made the folder,
    one that keeps its entries in memory (a failed build creates no folder)."""
    if out_dir.is_dir() and not output.holds_manuscript(out_dir, root):
        return Cache.in_output_folder(out_dir.resolve())
    return Cache.deferred()


@dataclass(frozen=True)
class Inspection:
    """What ``make-book check`` found, and the book it read."""

    manuscript: Manuscript
    book: RenderedBook
    plan: Plan
    problems: tuple[Diagnostic, ...]  # the ignore list applied


def inspect(options: BuildOptions, progress: Progress | None = None) -> Inspection:
    """Read, render and check the book as a build would, plus the copy-editor's checks; nothing is
    written and nothing downloaded (a remote image is reported as the build would without
    --allow-remote)."""
    progress = progress or NoProgress()
    limits.check_environment()
    with limits.whole_build():
        manuscript = read(options, progress)
        chosen = plan(options, manuscript)
        progress.stage('rendering', len(manuscript.files))
        with limits.stage('rendering'):
            book = render_book(manuscript, None, reading_cache(chosen.out_dir, manuscript.root),
                               options.jobs or os.cpu_count() or 1, progress)
        progress.stage('checking the book')
        with limits.stage('checking'):
            found = [*manuscript.diagnostics, *check_book(book, chosen.formats, author=True)]
    problems = without_ignored(found, manuscript.settings.ignore, manuscript.root)
    return Inspection(manuscript, book, chosen, tuple(problems))


def clean(options: BuildOptions) -> tuple[Path, list[Path]]:
    """Remove the outputs and the cache a build of this book made (nothing else); returns the
    output folder and what was removed. The book's file names come from its metadata, which must
    be readable; a folder that holds the manuscript is never touched."""
    from makebook.cache import FOLDER

    manuscript = read(options)
    out_dir = plan(options, manuscript).out_dir
    if out_dir.resolve() == manuscript.root or manuscript.root.is_relative_to(out_dir.resolve()):
        output.prepare_out_dir(out_dir, manuscript.root)  # raises: the manuscript is there
    slug = manuscript.metadata.slug
    files = [fmt.target(slug) for fmt in FORMATS_REGISTRY if fmt.name != 'html']
    removed = output.remove_outputs(out_dir, files, ['html'], [FOLDER])
    return shown(out_dir), [shown(path) for path in removed]


def _build_from(options: BuildOptions, chosen: Plan, manuscript: Manuscript,
                download: remote.Downloader | None, progress: Progress, cache: Cache,
                files_written: list[Path]) -> BuildResult:
    early: list[limits.Beside] = []  # the web edition's child, when started before the checks
    try:
        checked = _render_and_check(options, chosen, manuscript, download, progress, cache,
                                    functools.partial(_web_edition_early, early, chosen.formats, cache,
                                                      options.jobs))
        book, warnings = checked.book, checked.warnings
        out_dir = output.prepare_out_dir(chosen.out_dir, manuscript.root)
        # A first build's conversions, kept in memory until now, are written while the formats are
        # made (_make_timed: by the web edition's child when it starts at the EPUB; after the
        # EPUB when it started early, the child then writing only its own entries).
        cache.settle(out_dir, write=False)
        web = early[0] if early else None
        if web is not None:
            web.tell(cache.folder)  # where the child writes its cache entries
        try:
            made, seconds, late, page_counts = _make_timed(book, checked.formats, progress, cache,
                                                           options.jobs, web)
        except MakeBookError as exc:  # the PDF's own problems, then what the book had already
            exc.diagnostics = unique([*exc.diagnostics, *warnings])
            raise
    finally:  # a book with errors, or a stopped build, takes the child with it
        for child in early:
            child.stop()
    warnings = tuple(unique([*warnings, *_late_warnings(late, manuscript, chosen)]))
    progress.stage('writing the outputs')
    # All together or none: a failure while writing (a full disk) leaves every old output;
    # the build's time bound never cuts it in the middle.
    with limits.stage('writing the outputs'), limits.uninterrupted():
        output.write_outputs(out_dir, manuscript.root, {fmt.target(book.metadata.slug): made[fmt.name]
                                                        for fmt in FORMATS_REGISTRY if fmt.name in made})
    written = [_written(fmt, made[fmt.name], seconds[fmt.name], book, chosen.out_dir, out_dir, files_written,
                        page_counts.get(fmt.name))
               for fmt in FORMATS_REGISTRY if fmt.name in made]
    written.sort(key=lambda made_: FORMATS.index(made_.format))
    return checked.finish(options, BuildResult(outputs=tuple(o.path for o in written), warnings=warnings,
                                               layout=manuscript.layout, written=tuple(written)))


def build_in_turn(options: BuildOptions, order: tuple[str, ...], on_output: Callable[[Output], None],
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> BuildResult:
    """Build as :func:`build` does, but write each format as soon as it is made, in ``order``
    (the watch loop: the web edition first, so the browser sees a save at once), and stop with
    :class:`~makebook.safety.limits.Cancelled` between formats, or during the PDF's layout,
    once ``cancelled()`` says a newer save made this build pointless. A format made before the
    PDF does not get its page breaks (the EPUB's page-list is made by a full build)."""
    progress = progress or NoProgress()
    cancelled = cancelled or (lambda: False)
    limits.check_environment()
    with limits.whole_build():
        manuscript = read(options, progress)
        chosen = plan(options, manuscript)
        try:
            result = _build_in_turn(options, chosen, manuscript, order, on_output, progress, cancelled)
        except MakeBookError as exc:
            exc.layout = exc.layout or manuscript.layout
            raise
    return result


def _build_in_turn(options: BuildOptions, chosen: Plan, manuscript: Manuscript, order: tuple[str, ...],
                   on_output: Callable[[Output], None], progress: Progress,
                   cancelled: Callable[[], bool]) -> BuildResult:
    cache = _cache_for(chosen.out_dir, manuscript.root)
    with remote.for_build(options.allow_remote, manuscript.metadata.allow_remote,
                          lambda: output.temp_folder(chosen.out_dir, manuscript.root,
                                                     'remote')) as download:
        if cancelled():
            raise limits.Cancelled
        checked = _render_and_check(options, chosen, manuscript, download, progress, cache)
        book = checked.book
        out_dir = output.prepare_out_dir(chosen.out_dir, manuscript.root)
        cache.settle(out_dir)
        results: dict[str, Any] = {}
        written = []
        late: list[Diagnostic] = []
        for name in (name for name in order if name in checked.formats):
            if cancelled():
                raise limits.Cancelled
            fmt = next(f for f in FORMATS_REGISTRY if f.name == name)
            progress.stage(f'making {fmt.title}')
            start = time.perf_counter()
            results[name] = _make_one(fmt, book, results, cancelled, cache, progress, options.jobs)
            content = results[name].pdf if isinstance(results[name], PrintedBook) else results[name]
            if isinstance(results[name], PrintedBook):  # failed (strict) before the PDF is written
                late.extend(_late_warnings(results[name].warnings, manuscript, chosen))
            # One at a time here (the watch loop shows each edition as soon as it is made).
            with limits.uninterrupted():
                output.write_outputs(out_dir, manuscript.root, {fmt.target(book.metadata.slug): content})
            made = _written(fmt, content, time.perf_counter() - start, book, chosen.out_dir, out_dir,
                            page_count=getattr(results[name], 'page_count', None))
            written.append(made)
            on_output(made)
    cache.sweep()
    return checked.finish(options, BuildResult(outputs=tuple(o.path for o in written),
                                               warnings=tuple(unique([*checked.warnings, *late])),
                                               layout=manuscript.layout,
                                               written=tuple(written)))


def _render_and_check(options: BuildOptions, chosen: Plan, manuscript: Manuscript,
                      download: remote.Downloader | None, progress: Progress,
                      cache: Cache, rendered: Callable[[RenderedBook], None] | None = None) -> Checked:
    """The rendered book and its warnings; raises BookError on any error (with the warnings
    after the errors; but for an error only the PDF has, see :class:`Checked`) or, strict, on
    any warning. ``rendered`` is given the book before it is checked."""
    progress.stage('rendering', len(manuscript.files))
    with limits.stage('rendering'):
        book = render_book(manuscript, download, cache, options.jobs or os.cpu_count() or 1, progress)
    progress.stage('checking the book')
    with limits.stage('checking'):
        if rendered is not None:
            rendered(book)
        problems = unique(without_ignored([*manuscript.diagnostics, *check_book(book, chosen.formats)],
                                          manuscript.settings.ignore, manuscript.root))
    warnings = tuple(p for p in problems if p.severity is Severity.WARNING)
    errors = errors_in(problems)
    formats = chosen.formats
    # A problem only the print edition has (a character no face has) does not stop the others.
    pdf_only = [e for e in errors if e.code in PDF_ONLY_CODES]
    if errors and len(pdf_only) == len(errors) and set(formats) - {'pdf'}:
        formats = tuple(f for f in formats if f != 'pdf')
    elif errors:
        noun = 'problem' if len(errors) == 1 else 'problems'
        raise BookError(f'{options.manuscript}: the book has errors: {len(errors)} {noun} found',
                        [*errors, *warnings])
    if chosen.strict and warnings:
        noun = 'warning' if len(warnings) == 1 else 'warnings'
        raise BookError(f'{len(warnings)} {noun} in --strict mode', [*pdf_only, *warnings])
    return Checked(book, warnings, formats, tuple(pdf_only))


def _late_warnings(late: list[Diagnostic] | tuple[Diagnostic, ...], manuscript: Manuscript,
                   chosen: Plan) -> tuple[Diagnostic, ...]:
    """The warnings only making an edition found (a footnote the layout set a page late, MB607),
    treated as every other warning: less those the book's ``ignore:`` list names, and with
    --strict a failed build (raised before the edition is written)."""
    kept = tuple(unique(without_ignored(late, manuscript.settings.ignore, manuscript.root)))
    if chosen.strict and kept:
        noun = 'warning' if len(kept) == 1 else 'warnings'
        raise BookError(f'{len(kept)} {noun} in --strict mode', list(kept))
    return kept


# Codes of problems that only the print edition has: the EPUB and web edition are made anyway.
PDF_ONLY_CODES = frozenset({codes.MISSING_GLYPH.id})


@dataclass(frozen=True)
class Checked:
    """A rendered book that may be made: its warnings, and the formats to make (the PDF left
    out when it alone cannot be made, for ``pdf_only``'s problems)."""

    book: RenderedBook
    warnings: tuple[Diagnostic, ...]
    formats: tuple[str, ...]
    pdf_only: tuple[Diagnostic, ...]

    def finish(self, options: BuildOptions, result: BuildResult) -> BuildResult:
        """``result``, or the error saying the PDF was not made while the rest were written."""
        if not self.pdf_only:
            return result
        noun = 'problem' if len(self.pdf_only) == 1 else 'problems'
        written = ', '.join(str(path) for path in result.outputs)
        raise BookError(f'{options.manuscript}: the PDF was not made ({len(self.pdf_only)} {noun}); '
                        f'written: {written}', [*self.pdf_only, *self.warnings])


def _written(fmt: Format, content: Made, seconds: float, book: RenderedBook, shown_dir: Path,
             out_dir: Path, files_written: list[Path] | None = None, page_count: int | None = None) -> Output:
    """What was written of one format (every file of it is added to ``files_written``, for the
    nothing-changed record). A PDF's ``page_count`` is the layout's, when known: reading the PDF
    back for it cost a tenth of a long book's PDF time."""
    path = out_dir / fmt.target(book.metadata.slug)
    if isinstance(content, bytes):
        main_file, size, files = path, len(content), 1
        new_files = [path]
    else:
        main_file, size, files = path / 'index.html', sum(map(len, content.values())), len(content)
        new_files = [path / name for name in content]
    if files_written is not None:
        files_written.extend(new_files)
    return Output(fmt.name, shown(shown_dir / main_file.relative_to(out_dir)), size, seconds, files,
                  (page_count or _pages(content)) if fmt.name == 'pdf' else None)


def shown(path: Path) -> Path:
    """``path`` as the user would write it: relative to the current folder when inside it."""
    if not path.is_absolute():
        return path
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _pages(pdf: Made) -> int | None:
    """The page count of a PDF (for the summary line); None if it cannot be read."""
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages) if isinstance(pdf, bytes) else None
    except Exception:  # a summary is not worth failing a build for
        return None


def make_formats(book: RenderedBook, formats: tuple[str, ...], cache: Cache | None = None,
                 progress: Progress | None = None) -> dict[str, Made]:
    """Every format of ``formats`` made in memory, by name; nothing is written."""
    return _make_timed(book, formats, progress or NoProgress(), cache)[0]


def _make_timed(book: RenderedBook, formats: tuple[str, ...], progress: Progress, cache: Cache | None = None,
                jobs: int = 0, web: limits.Beside | None = None,
                ) -> tuple[dict[str, Made], dict[str, float], list[Diagnostic], dict[str, int]]:
    """The formats made, the seconds each took, the warnings only making them could find
    (a footnote the layout set a page late), and the PDF's page count. ``web``: the web
    edition's child, already started (:func:`_web_edition_early`)."""
    results: dict[str, Any] = {}
    made: dict[str, Made] = {}
    seconds: dict[str, float] = {}
    late: list[Diagnostic] = []
    page_counts: dict[str, int] = {}
    early = web is not None  # started before the cache was settled: it writes only its own entries
    beside = early or ('epub' in formats and 'html' in formats and jobs != 1 and _worth_a_child(book))
    if cache is not None and ('pdf' in formats or not beside):
        cache.write_kept()  # before a long PDF, or when no child will
    try:
        for fmt in (f for f in FORMATS_REGISTRY if f.name in formats):
            if fmt.name == 'epub' and beside and web is None:
                faces.subset_once(book)  # what both would make, made before they part
                web = limits.beside(_web_edition_beside, book, cache)
            progress.stage(f'making {fmt.title}')
            start = time.perf_counter()
            if early and fmt.name == 'html' and cache is not None:
                cache.write_kept()  # a first build's conversions, while the child ends its work
            made_beside = web.result() if web is not None and fmt.name == 'html' else None
            if made_beside is not None:
                made[fmt.name], seconds[fmt.name], used = made_beside
                if cache is not None and used is not None:
                    cache.merge(used)
                continue
            result = results[fmt.name] = _make_one(fmt, book, results, None, cache, progress, jobs)
            made[fmt.name] = result.pdf if isinstance(result, PrintedBook) else result
            if isinstance(result, PrintedBook):
                late.extend(result.warnings)
                if result.page_count:
                    page_counts[fmt.name] = result.page_count
            seconds[fmt.name] = time.perf_counter() - start
    finally:  # a failed EPUB, or a stopped build, takes the web edition's child with it
        if web is not None:
            web.stop()
        if cache is not None:
            cache.write_kept()  # unless the child did
    return made, seconds, late, page_counts


# From this much chapter text on, the web edition is made in a child process while the EPUB is
# made here (they need nothing of each other): a fork costs more than a short book's web edition.
BESIDE_CHARACTERS = 200_000


def _worth_a_child(book: RenderedBook) -> bool:
    return sum(len(chapter.body) for chapter in book.chapters) >= BESIDE_CHARACTERS


def _web_edition_early(started: list[limits.Beside], formats: tuple[str, ...], cache: Cache, jobs: int,
                       book: RenderedBook) -> None:
    """The web edition's child started as soon as the book is rendered, when only the EPUB and
    the web edition are made: it makes the web edition while this process checks the book and
    makes the EPUB (the checks' time, on the other core). It waits for the folder the cache is
    settled in (:meth:`limits.Beside.tell`) before it writes there: a book with errors leaves
    no output folder. With a PDF, it starts when the EPUB does (:func:`_make_timed`): it
    would wait through the PDF's layout, holding its memory."""
    if set(formats) != {'epub', 'html'} or jobs == 1 or not _worth_a_child(book):
        return
    try:
        faces.subset_once(book)  # what both would make, made before they part
    except Exception:  # left to the EPUB to fail on, after the checks, as it always was
        return
    child = limits.beside(_web_edition_beside, book, cache, True)
    if child is not None:
        started.append(child)


def _web_edition_beside(book: RenderedBook, cache: Cache | None,
                        early: bool = False) -> tuple[Made, float, Cache | None]:
    """In the child (:func:`limits.beside`): the web edition as :func:`_make_one` makes it, the
    seconds it took, and what it used of the cache (for the parent's sweep and counts).
    ``early``: started before the cache was settled, whose folder it is told."""
    start = time.perf_counter()
    fmt = next(f for f in FORMATS_REGISTRY if f.name == 'html')
    used = cache.fresh_record() if cache is not None else None
    files = _make_one(fmt, book, {}, None, used)
    seconds = time.perf_counter() - start
    if used is not None:
        if early:
            used.settled_in(limits.told())
        used.write_kept()  # a first build's conversions, off the parent's path too
    return dict(files), seconds, used


def _make_one(fmt: Format, book: RenderedBook, results: Mapping[str, Any],
              cancelled: Callable[[], bool] | None = None, cache: Cache | None = None,
              progress: Progress | None = None, jobs: int = 0) -> Any:
    """One format made in memory, given the results of the formats made before it (``jobs``:
    the processes it may use at once; 0: one per core)."""
    writer = _writer(fmt)
    if fmt.cached and cache is not None:
        writer = functools.partial(writer, cache=cache)
    if fmt.shared:
        writer = functools.partial(writer, jobs=jobs)
    inputs = [results.get(name) for name in fmt.uses]  # None: not built in this run
    with limits.stage(f'making {fmt.title}'):
        if fmt.bounded:  # WeasyPrint can be made to run for ever or eat all memory
            heard = limits.Forwarded('weasyprint.progress', LayoutProgress(progress)) if progress else None
            return limits.run_bounded(writer, book, *inputs, stage=fmt.name.upper(),
                                      bounds=limits.bounds_from_environment(fmt.name.upper()),
                                      cancelled=cancelled, forwarded=heard)
        return writer(book, *inputs)


class LayoutProgress:
    """WeasyPrint's own progress messages (its 'weasyprint.progress' log, heard from the PDF's
    child process) told as the build's stages: each layout pass with its pages as they are laid
    out, then the PDF file made. The messages themselves are never printed."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.passes = 0
        self.pages = 0  # the furthest page of this pass (WeasyPrint lays some out again)

    def __call__(self, message: str) -> None:
        page = re.fullmatch(r'Step 5 - Creating layout - Page (\d+)', message)
        if message.startswith('Step 4 '):  # 'Creating formatting structure': a layout begins
            self.passes += 1
            self.pages = 0
            self.progress.stage(f'laying out the PDF{f" (pass {self.passes})" if self.passes > 1 else ""}')
        elif page is not None and int(page[1]) > self.pages:
            self.progress.advance(int(page[1]) - self.pages)
            self.pages = int(page[1])
        elif message.startswith('Step 6 '):  # 'Creating PDF'
            self.progress.stage('assembling the PDF file')


def _writer(fmt: Format, name: str = '') -> Callable[..., Any]:
    """The format's writer, or its function ``name`` ('module:function')."""
    module, _, function = (name or fmt.writer).partition(':')
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]
