"""``make-book build``: read, render and check the whole book, then write each format."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from makebook.commands.common import Command, Printer, add_build_arguments, build_options, count, guarded
from makebook.model import DEFAULT_OUT_DIR

if TYPE_CHECKING:
    from concurrent.futures import Future

    from makebook.build import BuildResult, Output
    from makebook.fresh import Replay

OPEN_ORDER = ('html', 'pdf', 'epub')  # what --open shows when it is not told which


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_arguments(parser, several=True)
    parser.add_argument('--open', nargs='?', const='', default=None, metavar='FORMAT',
                        choices=('', *OPEN_ORDER),
                        help="open the result with the desktop's program (the web edition, else "
                             'the PDF, else the EPUB; or the FORMAT named)')


def run(args: argparse.Namespace) -> int:
    books: list[Path] = args.manuscripts
    if len(books) > 1:
        return _build_several(args)
    args.manuscript = books[0] if books else None
    return _build_one(args)


def _build_one(args: argparse.Namespace) -> int:
    printer = Printer(args.quiet, args.verbose)
    return guarded(printer, lambda: _build(args, printer))


def _build(args: argparse.Namespace, printer: Printer) -> int:
    from makebook import fresh  # the standard library only: an unchanged book costs little

    options = build_options(args)
    freshness = fresh.check(options.assumed())
    if freshness.replay is not None:
        freshness.replay.warn()
        result: BuildResult | fresh.Replay = freshness.replay
        if not printer.quiet:
            printer.note('nothing changed since the last build: the outputs are as they were')
    else:
        if options.formats is None or 'epub' in options.formats:
            # Every EPUB carries the book face whole: its deflate (0.055 CPU s) runs on the core
            # the pipeline's import (0.09 s) leaves idle. Only a speed-up: a book whose settings
            # leave the EPUB out wasted it.
            from makebook.theme.deflated import deflate_book_face

            deflate_book_face()
        from makebook.build import build  # the pipeline, loaded only to build
        from makebook.commands.progress import for_printer

        with for_printer(printer) as display:
            result = build(options, freshness, display)
    report(result, printer)
    if args.open is not None:
        open_output(result, args.open, printer)
    return 0


def _build_several(args: argparse.Namespace) -> int:
    """Several books at once, one process each on every core, each into OUTDIR/<its name>.

    A book that fails does not stop the others. Each book's report is printed
    whole, in the order the books were given; the exit status is the first
    book's that failed (0 when all were built).
    """
    import concurrent.futures
    import multiprocessing

    from makebook.safety.limits import die_with_parent

    books: list[Path] = args.manuscripts
    names = [path.resolve().stem if path.is_file() else path.resolve().name for path in books]
    twice = sorted({name for name in names if names.count(name) > 1})
    out_dir = args.out_dir or DEFAULT_OUT_DIR
    if twice:
        print(f'make-book: error: two manuscripts would both be built into {out_dir}/'
              f'{twice[0]}; build them one at a time with -o', file=sys.stderr)
        return 2
    # One process a book: a book's own stages then stay in that process (jobs=1).
    jobs = [argparse.Namespace(**{**vars(args), 'manuscript': path, 'out_dir': out_dir / name, 'jobs': 1,
                                  'open': None})
            for path, name in zip(books, names, strict=True)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context('fork' if 'fork' in methods else None)
    statuses = []
    try:
        # A killed command takes its books with it (each would build on, then wait for ever).
        with concurrent.futures.ProcessPoolExecutor(min(len(jobs), os.cpu_count() or 1),
                                                    mp_context=context, initializer=die_with_parent) as pool:
            for book, done in zip(books, [pool.submit(_build_captured, job) for job in jobs], strict=True):
                status, out, err = _book_report(book, done)
                sys.stdout.write(out)
                sys.stderr.write(err)
                statuses.append(status)
    except KeyboardInterrupt:  # each worker stops its own build, outputs untouched
        print('make-book: interrupted; the previous outputs are untouched', file=sys.stderr)
        return 130
    return next((status for status in statuses if status), 0)


def _book_report(book: Path, done: Future[tuple[int, str, str]]) -> tuple[int, str, str]:
    """A book's status and report; a book whose process ended abruptly (the hard stop of a stage
    stuck in C code, which printed its own MB026 line, or a crash), or that it took down with it
    (a broken pool ends every book still being built), is named as not built."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return done.result()
    except BrokenProcessPool:
        return 1, '', (f'make-book: {book}: not built: its build process ended abruptly (a hard stop '
                       'or a crash: see above), or one beside it did; the previous outputs are untouched\n')


def _build_captured(args: argparse.Namespace) -> tuple[int, str, str]:
    """One book's build in a worker process, its report kept for the parent to print."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = _build_one(args)
    return status, out.getvalue(), err.getvalue()


def report(result: BuildResult | Replay, printer: Printer) -> None:
    """Warnings, then a line per output: its path, size, pages and time. The paths alone go to
    stdout when it is not a terminal (for scripts); on a terminal the summary lines do."""
    if not printer.quiet and result.layout and not printer.verbose:  # -v has logged it already
        printer.note(result.layout)
    if printer.quiet:
        return
    printer.problems(result.warnings)
    if result.warnings:  # all at once, then a count
        printer.note(f'{count(result.warnings)}; the book was built')
    written: tuple[Output, ...] = getattr(result, 'written', ())
    if not written:  # an unchanged book's report (or a stand-in's): its paths
        for path in result.outputs:
            print(path)
        return
    to_terminal = sys.stdout.isatty()
    width = max((len(str(o.path)) for o in written), default=0)
    for made in written:
        line = summary(made, width)
        if to_terminal:
            print(line)
        else:
            print(made.path)
            printer.note(line)


_NAMES = {'epub': 'EPUB', 'pdf': 'PDF', 'html': 'web'}


def summary(made: Output, width: int = 0) -> str:
    """'PDF   build/x.pdf   212 pages, 1.2 MB, 3.1 s'."""
    details = []
    if made.pages is not None:
        details.append(f'{made.pages} pages')
    if made.files > 1:
        details.append(f'{made.files} files')
    details += [size(made.size), f'{made.seconds:.1f} s']
    return f'{_NAMES.get(made.format, made.format):<5} {made.path!s:<{width}}  {", ".join(details)}'


def size(count: int) -> str:
    for unit, scale in (('MB', 1 << 20), ('KB', 1 << 10)):
        if count >= scale:
            return f'{count / scale:.1f} {unit}'
    return f'{count} bytes'


def open_output(result: BuildResult | Replay, wanted: str, printer: Printer) -> None:
    """Open an output with the desktop's program for its kind of file, where there is one."""
    written: tuple[Output, ...] = getattr(result, 'written', ())
    by_format: dict[str, Path] = {made.format: made.path for made in written}
    for output in result.outputs if not by_format else ():  # an unchanged book's report: by name
        by_format['html' if output.name == 'index.html' else output.suffix.lstrip('.')] = output
    choice = wanted or next((name for name in OPEN_ORDER if name in by_format), '')
    path = by_format.get(choice)
    if path is None:
        printer.note(f'--open: no {wanted or "output"} was built in this run')
        return
    opener = desktop_opener()
    if opener is None:
        printer.note(f'--open: no program to open files with here (xdg-open, open); the file is {path}')
        return
    try:
        subprocess.Popen([*opener, str(Path(path).resolve())], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        printer.note(f'--open: could not run {opener[0]} ({exc.strerror}); the file is {path}')


def desktop_opener() -> list[str] | None:
    """The command that opens a file with the desktop's program for it."""
    if sys.platform == 'darwin':
        return ['open']
    if sys.platform == 'win32':
        return ['cmd', '/c', 'start', '']
    found = shutil.which('xdg-open')
    # Without a desktop, xdg-open falls back to a text browser in this very terminal.
    return [found] if found and (os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY')) else None


COMMAND = Command(
    name='build', run=run, add_arguments=add_arguments,
    help='build the book (the default command)',
    description='Build the book: read, render and check every file, then write each format. '
                "Settings under the metadata's make-book: key apply; the options here win.")
