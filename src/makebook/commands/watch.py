"""``make-book watch``: build the book again after every save, the web edition first."""

from __future__ import annotations

import argparse

from makebook.commands.common import Command, Printer, add_build_arguments, build_options, guarded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_arguments(parser)
    add_stop_after(parser)


def add_stop_after(parser: argparse.ArgumentParser) -> None:
    # For tests and scripts: stop by itself after so many seconds, as Ctrl-C would.
    parser.add_argument('--stop-after', type=float, default=None, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    printer = Printer(args.quiet, args.verbose)
    return guarded(printer, lambda: _watch(args, printer))


def _watch(args: argparse.Namespace, printer: Printer) -> int:
    from makebook.commands.loop import TerminalReport, run_loop, watched_folder

    options = build_options(args)
    printer.note(f'watching {watched_folder(options)} for changes (Ctrl-C to stop)')
    return run_loop(options, [TerminalReport(printer)], printer, stop_after=args.stop_after)


COMMAND = Command(
    name='watch', run=run, add_arguments=add_arguments,
    help='build again after every save (web edition first)',
    description='Watch the manuscript folder (chapters, images, stylesheets, metadata) and build '
                'again after every change: the web edition first, then the EPUB, then the PDF, '
                'each written as soon as it is made. A save during a build starts it again; a '
                'failed build is reported and watching goes on. Ctrl-C stops it, leaving whole '
                'outputs. (An EPUB built here has no print page-list: make-book build adds it.)')
