"""The ``make-book`` command: the only place that prints or picks an exit code.

It imports the pipeline only when it builds, so ``--help`` and ``--version``
load no library beyond the standard one.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from makebook import __version__
from makebook.config.print_settings import check_notes, check_variant
from makebook.errors import MakeBookError, Severity
from makebook.model import FORMATS, NOTE_MODES, PDF_VARIANTS, BuildOptions, PrintOverrides

if TYPE_CHECKING:
    from makebook import fresh
    from makebook.build import BuildResult

EPILOG = """\
With no command, make-book builds ./manuscript into ./build in every format.

exit status: 0 built; 1 the book has errors; 2 bad command line;
3 a system dependency is missing; 4 an output could not be written;
130 interrupted.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='make-book',
        description='Turn a Markdown manuscript into an EPUB 3, a print PDF and a web edition.',
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--version', action='version', version=f'make-book {__version__}')
    commands = parser.add_subparsers(dest='command', metavar='COMMAND')
    build_parser = commands.add_parser(
        'build', help='build the book (the default command)',
        description='Build the book: read, render and check every file, then write each format.',
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    build_parser.add_argument(
        'manuscripts', nargs='*', default=[Path('manuscript')], type=Path, metavar='MANUSCRIPT',
        help='a folder of .md files read in file-name order, or one .md file '
             '(default: manuscript); several are built at once, each into OUTDIR/<its name>')
    build_parser.add_argument(
        '-o', '--output', dest='out_dir', default='build', type=Path, metavar='OUTDIR',
        help='folder for the outputs: <slug>.epub, <slug>.pdf, html/index.html (default: build)')
    build_parser.add_argument(
        '-f', '--format', dest='formats', default=','.join(FORMATS), type=_formats,
        metavar='LIST', help=f'comma-separated formats to build, from {", ".join(FORMATS)} '
                             '(default: all)')
    printing = build_parser.add_argument_group('print edition (override the metadata)')
    printing.add_argument('--notes', type=_checked(check_notes), metavar='MODE',
                          help=f'where notes go in the PDF: {", ".join(NOTE_MODES)} '
                               '(default: footnotes, at the foot of the page)')
    printing.add_argument('--pdf-variant', dest='pdf_variant', type=_checked(check_variant),
                          metavar='VARIANT',
                          help=f'{", ".join(PDF_VARIANTS)}, tagged (the default) or none')
    printing.add_argument('--print-ready', dest='print_ready', action='store_true', default=None,
                          help='for the print shop: 0.125in bleed, crop marks, PDF/X-4')
    build_parser.add_argument('--allow-remote', action='store_true',
                              help='download http(s) images into the book (off by default: '
                                   'make-book never uses the network otherwise)')
    build_parser.add_argument('--strict', action='store_true',
                              help='treat warnings (missing alt text...) as errors')
    verbosity = build_parser.add_mutually_exclusive_group()
    verbosity.add_argument('-v', '--verbose', action='store_true', help='show each build step')
    verbosity.add_argument('-q', '--quiet', action='store_true',
                           help='print only errors, not warnings or the files written')
    return parser


def parse_formats(value: str) -> tuple[str, ...]:
    """'epub,pdf' -> ('epub', 'pdf'), in the canonical order; raises ValueError."""
    asked = {part.strip().lower() for part in value.split(',') if part.strip()}
    unknown = asked - set(FORMATS)
    if unknown or not asked:
        raise ValueError(f'unknown format {", ".join(sorted(unknown)) or "(none)"}; '
                         f'choose from {", ".join(FORMATS)}')
    return tuple(f for f in FORMATS if f in asked)


def _formats(value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run make-book with ``argv`` (default: the command line); returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or arguments[0] not in ('build', '-h', '--help', '--version'):
        arguments.insert(0, 'build')
    try:
        args = _parser().parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(format='make-book: %(message)s',
                        level=logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger('makebook').setLevel(logging.INFO if args.verbose else logging.WARNING)
    if len(args.manuscripts) > 1:
        return _build_several(args)
    args.manuscript = args.manuscripts[0]
    return _build_one(args)


def _build_one(args: argparse.Namespace) -> int:
    """Build the book ``args.manuscript`` into ``args.out_dir``, printing as make-book does."""
    options = BuildOptions(manuscript=args.manuscript, out_dir=args.out_dir, jobs=getattr(args, 'jobs', 0),
                           formats=args.formats, strict=args.strict,
                           allow_remote=args.allow_remote,
                           print_overrides=PrintOverrides(notes=args.notes, pdf_variant=args.pdf_variant,
                                                          print_ready=args.print_ready))
    # A library's warning (Pillow, WeasyPrint...) would reach stderr as a raw Python
    # warning with a source line of the library; it is reported as make-book's instead.
    with warnings.catch_warnings(record=True) as caught:
        status = _run(options, args)
    for message in dict.fromkeys(str(w.message).splitlines()[0] for w in caught):
        if not args.quiet:
            print(f'make-book: warning: {message}', file=sys.stderr)
    return status


def _build_several(args: argparse.Namespace) -> int:
    """Several books at once, one process each on every core, each into OUTDIR/<its name>.

    A book that fails does not stop the others. Each book's report is printed
    whole, in the order the books were given; the exit status is the first
    book's that failed (0 when all were built).
    """
    import concurrent.futures
    import multiprocessing

    names = [path.resolve().stem if path.is_file() else path.resolve().name for path in args.manuscripts]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        print(f'make-book: error: two manuscripts would both be built into {args.out_dir}/'
              f'{twice[0]}; build them one at a time with -o', file=sys.stderr)
        return 2
    # One process a book: a book's own stages then stay in that process (jobs=1).
    jobs = [argparse.Namespace(**{**vars(args), 'manuscript': path, 'out_dir': args.out_dir / name,
                                  'jobs': 1})
            for path, name in zip(args.manuscripts, names, strict=True)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context('fork' if 'fork' in methods else None)
    workers = min(len(jobs), os.cpu_count() or 1)
    statuses = []
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            for report in [pool.submit(_build_captured, job) for job in jobs]:
                status, out, err = report.result()
                sys.stdout.write(out)
                sys.stderr.write(err)
                statuses.append(status)
    except KeyboardInterrupt:  # each worker stops its own build, outputs untouched
        print('make-book: interrupted; the previous outputs are untouched', file=sys.stderr)
        return 130
    return next((status for status in statuses if status), 0)


def _build_captured(args: argparse.Namespace) -> tuple[int, str, str]:
    """:func:`_build_one` in a worker process, its report kept for the parent to print."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = _build_one(args)
    return status, out.getvalue(), err.getvalue()


def _run(options: BuildOptions, args: argparse.Namespace) -> int:
    try:
        from makebook import fresh  # the standard library only: an unchanged book costs little

        freshness = fresh.check(options)
        if freshness.replay is not None:
            freshness.replay.warn()
            result: fresh.Replay | BuildResult = freshness.replay
        else:
            from makebook.build import build  # the pipeline, loaded only to build

            result = build(options, freshness)
    except MakeBookError as exc:
        if exc.layout and not args.quiet and not args.verbose:  # -v has logged it already
            print(f'make-book: {exc.layout}', file=sys.stderr)
        for diagnostic in exc.diagnostics:
            if not (args.quiet and diagnostic.severity is Severity.WARNING):
                print(diagnostic, file=sys.stderr)
        code = f'{exc.code} ' if exc.code else ''
        print(f'make-book: {code}error: {exc}', file=sys.stderr)
        return exc.exit_code
    except (RecursionError, MemoryError) as exc:  # a stage the guards did not cover
        print(f'make-book: error: the build stopped: {type(exc).__name__} (input nested too '
              'deeply or too large); the previous outputs are untouched', file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print('make-book: interrupted; the previous outputs are untouched', file=sys.stderr)
        return 130
    if not args.quiet:
        if result.layout and not args.verbose:  # -v has logged it already
            print(f'make-book: {result.layout}', file=sys.stderr)
        for diagnostic in result.warnings:
            print(diagnostic, file=sys.stderr)
        for path in result.outputs:
            print(path)
    return 0
