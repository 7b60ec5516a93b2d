"""The author's loop on a book of book scale: how long after a save the web edition and the EPUB
are written, as make-book serve and watch do it, against a full build measured in the same run.

    python benchmarks/author_loop.py [--words 200000] [--files 120] [--edits 5] [--full-runs 1]

Writes the generated book (benchmarks/bigbook.py) into a temporary folder, then:

1. a full build, all three formats, in a fresh process (``make-book build``), cache cold;
2. the loop: one long-lived process builds the web edition, then the EPUB, as the watch loop does
   (``build.build_in_turn``, the cache in the output folder), once to start, then after each of
   ``--edits`` saves of one chapter (a paragraph added), timing from the save to each output
   written.

Prints the figures (median and slowest of the edits) and the core count; asserts nothing (the
issue's targets: web edition <= 1 s, EPUB <= 1.5 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bigbook import edit_chapter, write_big_book

from makebook.build import build_in_turn
from makebook.model import BuildOptions


def full_build(book: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out), '-q'],
                   check=True)
    return time.perf_counter() - start


def loop_build(options: BuildOptions) -> dict[str, float]:
    """One rebuild as the watch loop makes it: seconds from the start to each output written."""
    start = time.perf_counter()
    written: dict[str, float] = {}
    build_in_turn(options, ('html', 'epub'),
                  lambda made: written.__setitem__(made.format, time.perf_counter() - start))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--words', type=int, default=200_000)
    parser.add_argument('--files', type=int, default=120)
    parser.add_argument('--edits', type=int, default=5)
    parser.add_argument('--full-runs', type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='make-book-loop-') as folder:
        book = write_big_book(Path(folder) / 'book', args.words, args.files)
        words = sum(len(p.read_text(encoding='utf-8').split()) for p in book.glob('*.md'))
        print(f'{args.files} files, {words:,} words; {os.cpu_count()} cores')
        fulls = [full_build(book, Path(folder) / f'full-{n}') for n in range(args.full_runs)]
        print(f'  full build (3 formats, cold cache, new process)  {statistics.median(fulls):6.2f} s')

        options = BuildOptions(book, Path(folder) / 'loop', formats=('html', 'epub'))
        first = loop_build(options)
        print(f'  loop, first build (cache cold)  web {first["html"]:5.2f} s  EPUB {first["epub"]:5.2f} s')
        edits = []
        for number in range(args.edits):
            edit_chapter(book, 1 + (number * 37) % args.files, f'A paragraph added by save {number}.')
            edits.append(loop_build(options))
        for name, label in (('html', 'web edition'), ('epub', 'EPUB')):
            times = [edit[name] for edit in edits]
            print(f'  one chapter edited: {label:<12} median {statistics.median(times):5.2f} s, '
                  f'slowest {max(times):5.2f} s  (from the save to the file written)')


if __name__ == '__main__':
    main()
