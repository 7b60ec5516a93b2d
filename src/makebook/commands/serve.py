"""``make-book serve``: watch, rebuild, and show the book in the browser as it is written.

The preview server itself is :mod:`makebook.commands.preview` (imported only when it runs).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from makebook.commands.common import Command, Printer, add_build_arguments, build_options, guarded
from makebook.commands.watch import add_stop_after

if TYPE_CHECKING:
    import asyncio

    from makebook.commands.loop import Builder

DEFAULT_PORT = 8000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_build_arguments(parser)
    parser.add_argument('-p', '--port', type=int, default=None, metavar='N',
                        help=f'the port to serve on (default: {DEFAULT_PORT}, or the next free one; '
                             '0 lets the system choose)')
    parser.add_argument('--host', default='127.0.0.1',
                        help='the address to listen on (default: 127.0.0.1, this computer only; '
                             '0.0.0.0 shows the book to your whole network)')
    parser.add_argument('--open', action='store_true', help='open the preview in the browser')
    add_stop_after(parser)


def run(args: argparse.Namespace) -> int:
    printer = Printer(args.quiet, args.verbose)
    return guarded(printer, lambda: _serve(args, printer))


def _serve(args: argparse.Namespace, printer: Printer) -> int:
    import asyncio

    from makebook.build import plan, read
    from makebook.commands.loop import TerminalReport, run_loop
    from makebook.commands.preview import PREFIX, Preview

    options = build_options(args)
    manuscript = read(options)
    preview = Preview(plan(options, manuscript).out_dir.resolve(), manuscript.metadata.slug)

    async def serve(builder: Builder, stop: asyncio.Event) -> None:
        preview.loop = asyncio.get_running_loop()
        runner, url = await preview.start(args.host, args.port, DEFAULT_PORT)
        print(f'Serving {url}  (the web edition; {url}{PREFIX[1:]} lists the EPUB and PDF)', flush=True)
        printer.note('watching the manuscript; every save rebuilds and reloads the page (Ctrl-C to stop)')
        builder.start()
        if args.open:
            _open_browser(url, printer)
        try:
            await stop.wait()
        finally:
            await preview.close()
            await runner.cleanup()

    return run_loop(options, [TerminalReport(printer), preview.listen], printer, serve=serve,
                    stop_after=args.stop_after)


def _open_browser(url: str, printer: Printer) -> None:
    import webbrowser

    from makebook.commands.build import desktop_opener

    if desktop_opener() is None or not webbrowser.open(url):
        printer.note(f'--open: no browser to open here; visit {url}')


COMMAND = Command(
    name='serve', run=run, add_arguments=add_arguments,
    help='preview in the browser, reloaded after every save',
    description='Watch the manuscript, rebuild after every save (the web edition first), and serve '
                'the output folder on 127.0.0.1: the web edition reloads itself after each rebuild '
                'and scrolls back to where you were; a failed build shows its problems in the page '
                'as well as here; /_make-book/ lists the EPUB and PDF with their build times.')
