"""CPU seconds of make-book's per-file conversion (Markdown to XHTML) over a whole book.

    python benchmarks/convert_speed.py MANUSCRIPT [--runs 3]

Reads the manuscript as a build does, then converts every file with
``render.convert.convert_file`` (no cache, one process) and prints the median CPU time
of the runs: CPU, not wall time, because the machine is shared. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from makebook.render.convert import convert_file
from makebook.source import read_manuscript


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('manuscript', type=Path)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    files = read_manuscript(args.manuscript).files
    times = []
    for _ in range(args.runs):
        started = time.process_time()
        for source in files:
            convert_file(source)
        times.append(time.process_time() - started)
    words = sum(len(source.markdown.split()) for source in files)
    print(f'{len(files)} files, {words} words: {statistics.median(times):.2f} CPU s '
          f'(median of {args.runs}: {", ".join(f"{t:.2f}" for t in times)})')


if __name__ == '__main__':
    main()
