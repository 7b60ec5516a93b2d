"""The ``make-book`` command line: parse, pick the command, run it, return its exit status.

Each command is a module of :mod:`makebook.commands` (``build``, ``new``,
``check``...): its arguments and a ``run(args)``. The pipeline is imported
only when a command runs, so ``--help`` and ``--version`` load no library
beyond the standard one. ``main(argv)`` is callable from tests.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from makebook import __version__
from makebook.commands import COMMANDS, Command
from makebook.commands.common import parse_formats

__all__ = ['main', 'parse_formats', 'parser']

EPILOG = """\
With no command, make-book builds ./manuscript into ./build in every format.
Each command has its own help: make-book COMMAND --help.

exit status: 0 done; 1 the book has errors; 2 bad command line;
3 a system dependency is missing; 4 an output could not be written;
130 interrupted.
"""


# What other tools call a command (mkdocs, quarto, mdbook, npm...), for 'did you mean'.
_OTHER_TOOLS_WORDS = (('init', 'new'), ('create', 'new'), ('start', 'new'), ('preview', 'serve'),
                      ('dev', 'serve'), ('lint', 'check'), ('test', 'check'), ('count', 'stats'),
                      ('wc', 'stats'), ('clear', 'clean'), ('render', 'build'), ('compile', 'build'))


def parser() -> argparse.ArgumentParser:
    """The whole command line: every command with its arguments (also used for completion)."""
    top = argparse.ArgumentParser(
        prog='make-book',
        description='Turn a Markdown manuscript into an EPUB 3, a print PDF and a web edition.',
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument('--version', action='version', version=f'make-book {__version__}')
    commands = top.add_subparsers(dest='command', metavar='COMMAND', title='commands')
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help,
                                  description=textwrap.fill(command.description, 78),
                                  epilog=command.epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_arguments(sub)
        sub.set_defaults(command_object=command)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run make-book with ``argv`` (default: the command line); returns the exit status."""
    if argv is None and '_ARGCOMPLETE' in os.environ:  # the shell asks for completions (Tab)
        from makebook.commands.completion import complete

        complete(parser())
    arguments = list(sys.argv[1:] if argv is None else argv)
    names = [command.name for command in COMMANDS]
    if not arguments or (arguments[0].startswith('-') and arguments[0] not in ('-h', '--help', '--version')):
        arguments.insert(0, 'build')  # 'make-book', 'make-book -f epub': build ./manuscript
    elif arguments[0] not in (*names, '-h', '--help', '--version'):
        close = difflib.get_close_matches(arguments[0], names, n=1, cutoff=0.6) \
            or [name for word, name in _OTHER_TOOLS_WORDS if word == arguments[0].lower()]
        if close and not Path(arguments[0]).exists():  # 'make-book serv': a typo, not a folder
            print(f"make-book: error: '{arguments[0]}' is not a make-book command; did you mean "
                  f"'{close[0]}'? (make-book --help lists them)", file=sys.stderr)
            return 2
        arguments.insert(0, 'build')  # 'make-book my-book/': the manuscript to build
    try:
        args = parser().parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command: Command = args.command_object
    try:
        status = command.run(args)
    except BrokenPipeError:  # 'make-book stats | head': the reader left; say nothing more
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    if argv is None and command.name == 'build':  # the program itself, not a caller in Python
        _end_now(status)
    return status


def _end_now(status: int) -> NoReturn:
    """End the process with ``status`` as Python ends it, less the tearing down of every object
    the build made: for a 200,000-word book 0.05-0.1 s, a tenth of a cold EPUB and web edition,
    spent after the outputs are written. The rest is done as Python does it: the threads
    waited for (and their exit handlers), the exit handlers run, the output streams flushed."""
    import atexit
    import threading

    shutdown = getattr(threading, '_shutdown', None)  # what Python's own exit calls first
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)

