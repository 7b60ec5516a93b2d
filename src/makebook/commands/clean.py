"""``make-book clean``: remove the outputs and the cache make-book made for a book, nothing else."""

from __future__ import annotations

import argparse

from makebook.commands.common import Command, Printer, add_manuscript, add_output, build_options, guarded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_manuscript(parser)
    add_output(parser)
    parser.add_argument('-q', '--quiet', action='store_true', help='print nothing but problems')


def run(args: argparse.Namespace) -> int:
    printer = Printer(quiet=args.quiet)
    return guarded(printer, lambda: _clean(args, printer))


def _clean(args: argparse.Namespace, printer: Printer) -> int:
    from makebook.build import clean

    out_dir, removed = clean(build_options(args))
    if not printer.quiet:
        for path in removed:
            kept = ' (files of yours in it are kept)' if path.is_dir() else ''
            print(f'removed {path}{kept}')
        if not removed:
            printer.note(f'nothing to clean in {out_dir}')
    return 0


COMMAND = Command(
    name='clean', run=run, add_arguments=add_arguments,
    help='remove the outputs and cache make-book made',
    description="Remove what make-book wrote for this book in its output folder: the EPUB, the "
                "PDF, the web edition's files, the cache (.make-book-cache) and temporaries a "
                'killed build left; then the folder itself if nothing else is in it. Files of '
                'yours are never removed.')
