"""What the commands share: their arguments, how they print, how a failure becomes an exit status.

Light on purpose: the command line imports it to build its parser, so it must
not import the pipeline (each command imports what it needs when it runs).
Commands print (stdout for results, stderr for everything else); the library
only raises.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from makebook import codes
from makebook.config.print_settings import check_notes, check_variant
from makebook.errors import Diagnostic, MakeBookError, Severity
from makebook.model import FORMATS, NOTE_MODES, PDF_VARIANTS, BuildOptions, PrintOverrides

DEFAULT_MANUSCRIPT = Path('manuscript')
EXIT_STATUS = """\
exit status: 0 done; 1 the book has errors; 2 bad command line;
3 a system dependency is missing; 4 an output could not be written;
130 interrupted.
"""


@dataclass(frozen=True)
class Command:
    """One ``make-book COMMAND``: its help, its arguments, and what it does."""

    name: str
    help: str  # one line, in make-book --help
    description: str  # the top of make-book COMMAND --help
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    epilog: str = EXIT_STATUS


# ---------------------------------------------------------------- arguments


def add_manuscript(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'manuscript', nargs='?', default=None, type=Path, metavar='MANUSCRIPT',
        help='a folder of .md files (or an mdBook, Quarto, Leanpub or pandoc book), or one .md file '
             '(default: ./manuscript)')


def add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        '-o', '--output', dest='out_dir', default=None, type=Path, metavar='OUTDIR',
        help="folder for the outputs: <slug>.epub, <slug>.pdf, html/index.html (default: the "
             "metadata's make-book: output, else build)")


def add_build_arguments(parser: argparse.ArgumentParser, several: bool = False) -> None:
    """The arguments of every command that builds: build (``several`` books), watch, serve."""
    if several:
        parser.add_argument(
            'manuscripts', nargs='*', type=Path, metavar='MANUSCRIPT',
            help='a folder of .md files (or an mdBook, Quarto, Leanpub or pandoc book), or one .md '
                 'file (default: ./manuscript); several are built at once, each into OUTDIR/<its name>')
    else:
        add_manuscript(parser)
    add_output(parser)
    parser.add_argument(
        '-f', '--format', dest='formats', default=None, type=_formats, metavar='LIST',
        help=f'comma-separated formats to build, from {", ".join(FORMATS)} (default: all)')
    printing = parser.add_argument_group('print edition (override the metadata)')
    printing.add_argument('--notes', type=_checked(check_notes), metavar='MODE',
                          help=f'where notes go in the PDF: {", ".join(NOTE_MODES)} '
                               '(default: footnotes, at the foot of the page)')
    printing.add_argument('--pdf-variant', dest='pdf_variant', type=_checked(check_variant),
                          metavar='VARIANT', help=f'{", ".join(PDF_VARIANTS)}, tagged (the default) or none')
    printing.add_argument('--print-ready', dest='print_ready', action='store_true', default=None,
                          help='for the print shop: 0.125in bleed, crop marks, PDF/X-4')
    parser.add_argument('--allow-remote', action='store_true',
                        help='download http(s) images into the book (off by default: '
                             'make-book never uses the network otherwise)')
    parser.add_argument('--strict', action='store_true', default=None,
                        help='treat warnings (missing alt text...) as errors')
    parser.add_argument('-j', '--jobs', type=_jobs, default=0, metavar='N',
                        help='processes a book may use at once (default: one per core); the '
                             'outputs are the same whatever N is')
    add_verbosity(parser)


def add_verbosity(parser: argparse.ArgumentParser) -> None:
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument('-v', '--verbose', action='store_true',
                           help="also show make-book's own timings for each stage")
    verbosity.add_argument('-q', '--quiet', action='store_true',
                           help='print only problems, not progress, warnings or the files written')


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


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if not 1 <= jobs <= 256:
        raise argparse.ArgumentTypeError(f'{value[:20]!r} is not a number of processes from 1 to 256')
    return jobs


def _checked(check: Callable[[str], str]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            return check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    return parse


def build_options(args: argparse.Namespace) -> BuildOptions:
    """What a building command's arguments ask for (None: the book's settings decide)."""
    return BuildOptions(manuscript=manuscript_path(args), out_dir=getattr(args, 'out_dir', None),
                        formats=getattr(args, 'formats', None), strict=getattr(args, 'strict', None),
                        allow_remote=getattr(args, 'allow_remote', False),
                        print_overrides=PrintOverrides(notes=getattr(args, 'notes', None),
                                                       pdf_variant=getattr(args, 'pdf_variant', None),
                                                       print_ready=getattr(args, 'print_ready', None)),
                        jobs=getattr(args, 'jobs', 0))


def manuscript_path(args: argparse.Namespace) -> Path:
    """The manuscript the command names, else ./manuscript, which must then exist."""
    given: Path | None = args.manuscript
    if given is not None:
        return project_manuscript(given)
    if not DEFAULT_MANUSCRIPT.exists():
        raise NoManuscriptHere
    return project_manuscript(DEFAULT_MANUSCRIPT)


def project_manuscript(path: Path) -> Path:
    """A project folder (make-book new's shape: DIR/manuscript/, no chapter or layout file of
    its own) stands for its manuscript folder, as ./manuscript does when none is named."""
    inner = path / DEFAULT_MANUSCRIPT
    if not inner.is_dir() or (inner / 'Book.txt').exists():  # Leanpub reads manuscript/Book.txt itself
        return path
    markers = ('metadata.yaml', 'book.toml', '_quarto.yml', 'Book.txt')
    if any(path.glob('*.md')) or any((path / name).exists() for name in markers):
        return path
    return inner


class NoManuscriptHere(MakeBookError):
    """``make-book`` where there is no ./manuscript: say what was looked for, and what to do."""

    def __init__(self) -> None:
        here = Path.cwd()
        hints = []
        markers = ('book.toml', '_quarto.yml', 'Book.txt', 'metadata.yaml')
        if any((here / name).exists() for name in markers) or any(here.glob('*.md')):
            hints.append('  this folder holds a book itself:  make-book build .')
        folders = sorted(p.name for p in here.iterdir() if p.is_dir() and not p.name.startswith('.')
                         and ((p / 'metadata.yaml').is_file() or any(p.glob('*.md'))))
        for name in folders[:3]:
            hints.append(f'  {name}/ holds .md files:  make-book build {name}')
        hints.append('  start a new book:  make-book new my-book  (then cd my-book && make-book serve)')
        super().__init__(f'no manuscript here: looked for ./{DEFAULT_MANUSCRIPT}/ (a folder of .md files) '
                         f'in {here}\n' + '\n'.join(hints), code=codes.NO_MANUSCRIPT.id)


# ---------------------------------------------------------------- printing


def _colour_wanted(stream: TextIO) -> bool:
    if os.environ.get('NO_COLOR'):
        return False
    if os.environ.get('FORCE_COLOR'):
        return True
    return stream.isatty() and os.environ.get('TERM') != 'dumb'


_COLOURS = {'error': '\033[1;31m', 'warning': '\033[1;33m', 'path': '\033[1m', 'hint': '\033[2m',
            'ok': '\033[32m'}
_RESET = '\033[0m'


class Printer:
    """Where a command's words go: problems and notes to stderr (coloured on a terminal),
    results to stdout. ``quiet``: problems only."""

    def __init__(self, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose

    @property
    def err(self) -> TextIO:
        return sys.stderr  # looked up each time: tests swap it

    def paint(self, text: str, kind: str, stream: TextIO | None = None) -> str:
        if not _colour_wanted(stream or self.err):
            return text
        return f'{_COLOURS[kind]}{text}{_RESET}'

    def problem(self, diagnostic: Diagnostic, hint: str | None = None) -> None:
        """``path:line: MBnnn severity: message``, then the hint indented when given. A path
        inside the current folder is shown relative to it, as a compiler shows it."""
        diagnostic = shown_diagnostic(diagnostic)
        # A file name of bytes that are not UTF-8 holds surrogate escapes, which a strict stream
        # cannot write: shown as '\\udcff' instead.
        text = str(diagnostic).encode('utf-8', 'backslashreplace').decode('utf-8')
        kind = diagnostic.severity.value
        label = f'{diagnostic.code} {kind}:'
        head, found, tail = text.partition(label)
        if found:
            text = self.paint(head, 'path') + self.paint(label, kind) + tail
        print(text, file=self.err)
        if hint:
            print(self.paint(f'    hint: {hint}', 'hint'), file=self.err)

    def problems(self, diagnostics: Iterable[Diagnostic], hints: bool = False) -> None:
        for diagnostic in diagnostics:
            code = codes.ALL.get(diagnostic.code)
            self.problem(diagnostic, code.hint if hints and code is not None else None)

    def note(self, text: str) -> None:
        if not self.quiet:
            print(f'make-book: {text}', file=self.err)

    def error(self, exc: MakeBookError) -> None:
        code = f'{exc.code} ' if exc.code else ''
        print(f'make-book: {code}{self.paint("error:", "error")} {exc}', file=self.err)

    def failure(self, exc: MakeBookError) -> int:
        """Every problem of a failed run (its warnings too, unless quiet), after the layout the
        manuscript was read by, then its one-line summary; returns the exit status."""
        if exc.layout and not self.quiet and not self.verbose:  # -v has logged it already
            self.note(exc.layout)
        self.problems(d for d in exc.diagnostics if not (self.quiet and d.severity is Severity.WARNING))
        self.error(exc)
        return exc.exit_code


def shown_diagnostic(diagnostic: Diagnostic) -> Diagnostic:
    """The diagnostic with its path relative to the current folder when inside it."""
    if diagnostic.path is not None and diagnostic.path.is_absolute():
        with contextlib.suppress(ValueError):
            return dataclasses.replace(diagnostic, path=diagnostic.path.relative_to(Path.cwd()))
    return diagnostic


def count(diagnostics: Iterable[Diagnostic]) -> str:
    """'2 errors and 1 warning', 'no problems'."""
    found = list(diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in found)
    parts = [f'{n} {word}{"s" if n != 1 else ""}' for n, word in
             ((errors, 'error'), (len(found) - errors, 'warning')) if n]
    return ' and '.join(parts) or 'no problems'


@contextmanager
def library_messages(printer: Printer) -> Iterator[None]:
    """A library's warning (Pillow, WeasyPrint...) would reach stderr as a raw Python warning
    with a source line of the library; it is reported as make-book's instead. WeasyPrint's
    own progress log (its step and page numbers) is never shown: -v shows make-book's."""
    logging.basicConfig(format='make-book: %(message)s', level=logging.WARNING)
    logging.getLogger('makebook').setLevel(logging.INFO if printer.verbose else logging.WARNING)
    logging.getLogger('weasyprint.progress').setLevel(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        yield
    for message in dict.fromkeys(str(w.message).splitlines()[0] for w in caught):
        if not printer.quiet:
            print(f'make-book: warning: {message}', file=printer.err)


def guarded(printer: Printer, action: Callable[[], int]) -> int:
    """Run a command's ``action``; a failure is reported (never a traceback) as an exit status."""
    try:
        with library_messages(printer):
            return action()
    except MakeBookError as exc:
        return printer.failure(exc)
    except (RecursionError, MemoryError) as exc:  # a stage the guards did not cover
        print(f'make-book: error: the run stopped: {type(exc).__name__} (input nested too '
              'deeply or too large); the previous outputs are untouched', file=printer.err)
        return 1
    except KeyboardInterrupt:
        print('make-book: interrupted; the previous outputs are untouched', file=printer.err)
        return 130
