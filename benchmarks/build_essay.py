"""Time each stage of building the shipped essay; prints figures, asserts nothing.

    python benchmarks/build_essay.py [MANUSCRIPT] [--runs N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from pathlib import Path

from makebook.checks import check_book
from makebook.epub import write_epub
from makebook.pdf import write_pdf
from makebook.render import render_book
from makebook.source import read_manuscript
from makebook.web import web_edition

REPO = Path(__file__).resolve().parents[1]


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def _pages(pdf: bytes) -> str:
    try:
        from pypdf import PdfReader  # a test extra
    except ImportError:
        return '?'
    return str(len(PdfReader(io.BytesIO(pdf)).pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('manuscript', nargs='?', default=REPO / 'manuscript', type=Path)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {}
    for _ in range(args.runs):
        manuscript, seconds = timed(read_manuscript, args.manuscript)
        timings.setdefault('read', []).append(seconds)
        book, seconds = timed(render_book, manuscript)
        timings.setdefault('render', []).append(seconds)
        _, seconds = timed(check_book, book)
        timings.setdefault('check', []).append(seconds)
        epub, seconds = timed(write_epub, book)
        timings.setdefault('epub', []).append(seconds)
        pdf, seconds = timed(write_pdf, book)
        timings.setdefault('pdf', []).append(seconds)
        _, seconds = timed(web_edition, book)
        timings.setdefault('html', []).append(seconds)
    total = [sum(values) for values in zip(*timings.values(), strict=True)]
    words = sum(len(f.markdown.split()) for f in manuscript.files)
    print(f'{args.manuscript}: {len(book.chapters)} chapters, {words} words, '
          f'EPUB {len(epub) / 1024:.0f} KiB, PDF {len(pdf) / 1024:.0f} KiB, {_pages(pdf)} pages')
    for stage, values in {**timings, 'total': total}.items():
        print(f'{stage:>7}: median {statistics.median(values):7.3f} s  (min {min(values):.3f}, '
              f'max {max(values):.3f}, {len(values)} runs)')


if __name__ == '__main__':
    main()
