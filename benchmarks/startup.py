"""How fast ``make-book --help`` and ``--version`` start, and which libraries they load.

    python benchmarks/startup.py [--runs N]

Prints the median wall time of each command (a fresh interpreter each run, as a
user starts it) and the heavy libraries the command line imports before it
builds anything: there should be none. Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

# Libraries a build needs and a --help must not pay for.
HEAVY = ('lxml', 'markdown', 'yaml', 'nh3', 'PIL', 'pygments', 'latex2mathml', 'ziamath', 'pypdf',
         'ebooklib', 'weasyprint', 'tinycss2', 'fontTools', 'cffi', 'aiohttp', 'watchfiles', 'rich',
         'asyncio', 'argcomplete')


def command() -> list[str]:
    script = shutil.which('make-book', path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, '-m', 'makebook']


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports() -> list[str]:
    probe = ('import sys; from makebook import cli; '
             f'print(" ".join(sorted(m for m in {HEAVY!r} if m in sys.modules)))')
    return subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True,
                          check=True).stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=11)
    args = parser.parse_args()
    base = command()
    print(f'{" ".join(base)} on {os.cpu_count()} cores, median of {args.runs} runs')
    floor = median_seconds([sys.executable, '-c', 'pass'], args.runs)
    print(f'  python -c pass          {floor:6.3f} s   (the interpreter alone)')
    for flag in ('--help', '--version'):
        print(f'  make-book {flag:<13} {median_seconds([*base, flag], args.runs):6.3f} s')
    loaded = heavy_imports()
    print(f'  heavy libraries the command line imports: {", ".join(loaded) or "none"}')


if __name__ == '__main__':
    main()
