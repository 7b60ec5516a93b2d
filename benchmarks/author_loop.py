"""The author's loop on a book of book scale: how long after a save the web edition and the EPUB
are written, as make-book serve and watch do it, against a full build measured in the same run.

    python benchmarks/author_loop.py [--words 200000] [--files 120] [--edits 5] [--full-runs 1]
                                     [--full-formats epub,html]

Writes the generated book (benchmarks/bigbook.py) into a temporary folder, then:

1. a full build in a fresh process (``make-book build``), cache cold, of the formats the loop
   measures (``--full-formats epub,html,pdf`` adds the PDF, whose layout of the whole book takes
   minutes; its time bound is lifted for the benchmark);
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

from makebook.build import Output, build_in_turn
from makebook.model import BuildOptions


def full_build(book: Path, out: Path, formats: str) -> float:
    start = time.perf_counter()
    env = {**os.environ, 'MAKEBOOK_PDF_SECONDS': '7200'}  # a loaded machine is not a runaway layout
    subprocess.run([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out), '-q',
                    '--format', formats], check=True, env=env)
    return time.perf_counter() - start


def loop_build(options: BuildOptions) -> dict[str, float]:
    """One rebuild as the watch loop makes it: seconds from the start to each output written,
    wall ('html', 'epub') and CPU of this process ('html cpu', 'epub cpu'; the machine is shared,
    so wall seconds also measure the others' load)."""
    start, cpu = time.perf_counter(), time.process_time()
    written: dict[str, float] = {}

    def seen(made: Output) -> None:
        written[made.format] = time.perf_counter() - start
        written[f'{made.format} cpu'] = time.process_time() - cpu

    build_in_turn(options, ('html', 'epub'), seen)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--words', type=int, default=200_000)
    parser.add_argument('--files', type=int, default=120)
    parser.add_argument('--edits', type=int, default=5)
    parser.add_argument('--full-runs', type=int, default=1)
    parser.add_argument('--full-formats', default='epub,html')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='make-book-loop-') as folder:
        book = write_big_book(Path(folder) / 'book', args.words, args.files)
        words = sum(len(p.read_text(encoding='utf-8').split()) for p in book.glob('*.md'))
        print(f'{args.files} files, {words:,} words; {os.cpu_count()} cores')
        fulls = [full_build(book, Path(folder) / f'full-{n}', args.full_formats)
                 for n in range(args.full_runs)]
        print(f'  full build ({args.full_formats}, cold cache, new process)  '
              f'{statistics.median(fulls):6.2f} s', flush=True)

        options = BuildOptions(book, Path(folder) / 'loop', formats=('html', 'epub'))
        first = loop_build(options)
        print(f'  loop, first build (cache cold)  web {first["html"]:5.2f} s  EPUB {first["epub"]:5.2f} s',
              flush=True)
        edits = []
        for number in range(args.edits):
            edit_chapter(book, 1 + (number * 37) % args.files, f'A paragraph added by save {number}.')
            edits.append(loop_build(options))
        for name, label in (('html', 'web edition'), ('epub', 'EPUB')):
            times, cpus = [edit[name] for edit in edits], [edit[f'{name} cpu'] for edit in edits]
            print(f'  one chapter edited: {label:<12} median {statistics.median(times):5.2f} s, '
                  f'slowest {max(times):5.2f} s, CPU median {statistics.median(cpus):5.2f} s '
                  '(from the save to the file written)')


if __name__ == '__main__':
    main()
