"""The PDF alone, laid out as one document and a chapter at a time (issue 13): CPU seconds and
peak memory of ``print_edition`` on a book, each way in a fresh process, the book read and
rendered first (not counted). Prints figures; asserts nothing.

    python benchmarks/pdf_layout.py BOOK_FOLDER [--runs 1]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def one(book: Path, pieces: bool) -> tuple[float, int]:
    """CPU seconds of the layout, and the peak RSS (MB) of the process."""
    from makebook.pdf import print_edition
    from makebook.render import render_book
    from makebook.source import read_manuscript

    rendered = render_book(read_manuscript(book))
    start = time.process_time()
    print_edition(rendered, pieces=pieces)
    seconds = time.process_time() - start
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('book', type=Path)
    parser.add_argument('--runs', type=int, default=1)
    parser.add_argument('--child', choices=('single', 'pieces'), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(*one(args.book, args.child == 'pieces'))
        return
    for way in ('single', 'pieces'):
        runs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, str(args.book), '--child', way],
                                 capture_output=True, text=True, check=True).stdout.split()
            runs.append((float(out[0]), int(out[1])))
        print(f'{way:7} {statistics.median(r[0] for r in runs):8.2f} CPU s '
              f'{statistics.median(r[1] for r in runs):6.0f} MB peak RSS  ({args.runs} runs)')


if __name__ == '__main__':
    main()
