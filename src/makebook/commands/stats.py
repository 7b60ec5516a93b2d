"""``make-book stats``: where the book stands, chapter by chapter and in total."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from makebook.commands.common import Command, Printer, add_manuscript, add_output, build_options, guarded

if TYPE_CHECKING:
    from makebook.stats import BookStats, Counts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_manuscript(parser)
    add_output(parser)
    parser.add_argument('--json', action='store_true', help='the figures as JSON, for programs')


def run(args: argparse.Namespace) -> int:
    printer = Printer(quiet=args.json)
    return guarded(printer, lambda: _stats(args, printer))


def _stats(args: argparse.Namespace, printer: Printer) -> int:
    from makebook.build import plan, read, reading_cache, shown
    from makebook.render import render_book
    from makebook.stats import WORDS_PER_MINUTE, book_stats

    options = build_options(args)
    manuscript = read(options)
    out_dir = plan(options, manuscript).out_dir
    # Its problems are make-book check's business, not this one's.
    book = render_book(manuscript, None, reading_cache(out_dir, manuscript.root))
    pdf = out_dir / f'{manuscript.metadata.slug}.pdf'
    found = book_stats(book, pdf if pdf.is_file() else None)
    if args.json:
        json.dump(as_json(found), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(table(found))
    if found.pdf is not None:
        printer.note(f'pages from {shown(found.pdf)} (the last PDF built); reading time at '
                     f'{WORDS_PER_MINUTE} words a minute')
    else:
        printer.note(f'no PDF built yet at {shown(pdf)} for page counts (make-book build); reading '
                     f'time at {WORDS_PER_MINUTE} words a minute')
    return 0


def table(found: BookStats) -> str:
    """An aligned table: a row per chapter, then the total."""
    header = ('', 'chapter', 'words', 'characters', 'notes', 'images', 'reading', 'pages')
    rows = [(str(n), c.title, *_figures(c)) for n, c in enumerate(found.chapters, start=1)]
    rows.append(('', 'Total', *_figures(found.total)))
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    widths[1] = min(widths[1], 44)

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].rjust(widths[0]), _clip(row[1], widths[1]).ljust(widths[1]),
                 *(cell.rjust(width) for cell, width in zip(row[2:], widths[2:], strict=True))]
        return '  '.join(cells).rstrip()
    rule = '  '.join('-' * width for width in widths)
    return '\n'.join([line(header), rule, *(line(row) for row in rows[:-1]), rule, line(rows[-1])])


def _figures(counts: Counts) -> tuple[str, ...]:
    return (f'{counts.words:,}', f'{counts.characters:,}', str(counts.footnotes), str(counts.images),
            _minutes(counts.minutes), '' if counts.pages is None else str(counts.pages))


def _minutes(minutes: float) -> str:
    if minutes < 60:
        return f'{max(round(minutes), 1) if minutes else 0} min'
    hours, rest = divmod(round(minutes), 60)
    return f'{hours} h {rest:02d} min'


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + '…'


def as_json(found: BookStats) -> dict[str, Any]:
    def entry(counts: Counts) -> dict[str, Any]:
        return {'title': counts.title, 'file': counts.source or None, 'words': counts.words,
                'characters': counts.characters, 'footnotes': counts.footnotes, 'images': counts.images,
                'reading_minutes': round(counts.minutes, 1), 'pages': counts.pages}
    total = entry(found.total)
    del total['title'], total['file']
    return {'chapters': [entry(c) for c in found.chapters], 'total': total,
            'pages_from': str(found.pdf) if found.pdf is not None else None}


COMMAND = Command(
    name='stats', run=run, add_arguments=add_arguments,
    help='count words, notes, images, reading time and pages',
    description='Where the book stands: words, characters, chapters, footnotes, images, reading '
                'time, and printed pages from the last PDF built, per chapter and in total.')
