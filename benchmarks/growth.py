"""Growth: each shape of hostile (or just large) manuscript at 1x, 2x, 4x and 8x its size.

    python benchmarks/growth.py [--shapes brackets,list-items] [--factors 1,2,4,8] [--budget 60]

Each run builds the web edition of a one-chapter book (make-book build -f html, in a child
process, so memory and CPU are the build's own) and prints its CPU seconds and peak memory
as it is measured; then, per shape, the growth exponent of time and of memory between the
smallest and the largest size (1.0 is linear, 2.0 quadratic), with the start-up of a
one-paragraph book subtracted first. A size that takes more than ``--budget`` CPU seconds is
stopped there (RLIMIT_CPU) and the larger ones are skipped: that shape is not linear.
The shapes are those of hardening issue 10 (the attack harness's, research/attacks/run.py).
Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

LOREM = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.'


def _table(n: int) -> str:
    head = '| ' + ' | '.join(f'h{c}' for c in range(8)) + ' |\n|' + '---|' * 8 + '\n'
    return head + '\n'.join('| ' + ' | '.join(f'r{r}c{c}' for c in range(8)) + ' |' for r in range(n))


# name: (unit, size at 1x, the chapter's body for a size)
SHAPES: dict[str, tuple[str, int, Callable[[int], str]]] = {
    'brackets': ('chars', 2_500, lambda n: '[' * n),
    'image-brackets': ('chars', 2_500, lambda n: '![' * n),
    'fence-spaces': ('spaces', 2_500, lambda n: '```' + ' ' * n + '`'),
    'heading-braces': ('braces', 2_500, lambda n: '# ' + '{' * n),
    'list-items': ('items', 2_500, lambda n: '\n'.join(f'- item {i} {LOREM[:40]}' for i in range(n))),
    'table-rows': ('rows', 625, _table),
    'footnotes': ('notes', 375, lambda n: '\n\n'.join(f'Sentence {i}.[^n{i}]' for i in range(n)) + '\n\n'
                  + '\n'.join(f'[^n{i}]: Note {i}.' for i in range(n))),
    'raw-attrs': ('tags', 375, lambda n: '\n\n'.join(f'<span onclick="x{i}">a</span> b' for i in range(n))),
    'emphasis': ('repeats', 1_250, lambda n: '*a **b ' * n),
    'dup-ids': ('headings', 375, lambda n: '\n\n'.join('## Section {#x}\n\nText.' for _ in range(n))),
    'a-runs': ('tags', 2_500, lambda n: 'x ' + '<a ' * n),
    'nested-divs': ('divs', 12_500, lambda n: '<div>' * n + 'x'),
    'unclosed-tags': ('tags', 2_500, lambda n: '\n\n'.join(f'<em>word {i}' for i in range(n))),
    'nested-divs-closed': ('divs', 12_500, lambda n: '<div>' * n + 'x' + '</div>' * n),
    'nested-spans': ('levels', 625, lambda n: '[*' * n + 'x' + '*]{.a}' * n),
    'nested-emphasis': ('levels', 625, lambda n: '*_' * n + 'x' + '_*' * n),
    'nested-inline-html': ('spans', 6_250, lambda n: 'x ' + '<span>' * n + 'y'),
    'nested-quotes': ('levels', 125, lambda n: '>' * n + ' deep'),
    'note-cited-often': ('citations', 625, lambda n: 'x[^a] ' * n + '\n\n[^a]: The note.'),
    # Links in one paragraph go through Python-Markdown's inline processor, which rebuilt the
    # paragraph's text for each match; 'links-relative' are to a file of the book, each checked.
    'links': ('links', 10_000, lambda n: '[a](https://e.org/) ' * n),
    'links-relative': ('links', 10_000, lambda n: '[a](b) ' * n),
    'prose': ('paragraphs', 2_500, lambda n: '\n\n'.join(f'{LOREM} *{i}* {LOREM}' for i in range(n))),
}


def _child(body: str, budget: int) -> dict[str, float]:
    """Build a book whose chapter is ``body`` in a child process; its CPU seconds and peak MB."""
    with tempfile.TemporaryDirectory(prefix='make-book-growth-') as folder:
        book = Path(folder) / 'book'
        book.mkdir()
        (book / '01.md').write_text('---\ntitle: Growth\nauthor: Bench\nlanguage: en\n---\n\n# Chapter\n\n'
                                    + body + '\n', encoding='utf-8')
        code = ('import sys\nfrom makebook.cli import main\n'
                'sys.exit(main(["build", sys.argv[1], "-o", sys.argv[2], "-f", "html", "-q"]))')

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_CPU, (budget, budget + 5))

        child = subprocess.Popen([sys.executable, '-c', code, str(book), str(Path(folder) / 'out')],
                                 preexec_fn=limit, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak memory
        child.returncode = os.waitstatus_to_exitcode(status)
    return {'seconds': usage.ru_utime + usage.ru_stime, 'mb': usage.ru_maxrss / 1024,
            'rc': child.returncode, 'killed': child.returncode < 0}


def _exponent(small: float, large: float, factor: float) -> float:
    return math.log(max(large, 1e-3) / max(small, 1e-3)) / math.log(factor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shapes', default=','.join(SHAPES), help='comma-separated: ' + ','.join(SHAPES))
    parser.add_argument('--factors', default='1,2,4,8')
    parser.add_argument('--budget', type=int, default=60, help='CPU seconds per size before giving up')
    parser.add_argument('--json', type=Path, help='also write the figures as JSON')
    args = parser.parse_args()
    factors = [int(f) for f in args.factors.split(',')]
    start = _child('One paragraph.', args.budget)
    print(f'start-up (a one-paragraph book): {start["seconds"]:.2f} CPU s, {start["mb"]:.0f} MB', flush=True)
    print(f'{"shape":17} {"unit":10} ' + ' '.join(f'{str(f) + "x: n / s / MB":>24}' for f in factors)
          + f' {"time exp.":>9} {"mem exp.":>8}', flush=True)
    figures: dict[str, list[dict[str, float]]] = {}
    for name in args.shapes.split(','):
        unit, base, body = SHAPES[name]
        cells, runs = [], []
        for factor in factors:
            if runs and runs[-1]['killed']:
                cells.append(f'{"(skipped)":>24}')
                continue
            run = {'n': base * factor, **_child(body(base * factor), args.budget)}
            runs.append(run)
            shown = f'>{args.budget}' if run['killed'] else f'{run["seconds"]:.2f}'
            rc = '' if run['rc'] in (0, 1) else f' rc{run["rc"]}'
            cells.append(f'{run["n"]:,} / {shown} / {run["mb"]:.0f}{rc}'.rjust(24))
        figures[name] = runs
        done = [r for r in runs if not r['killed']]
        if len(done) >= 2 and len(done) == len(runs):
            span = done[-1]['n'] / done[0]['n']
            base = start['seconds']
            time_exp = _exponent(done[0]['seconds'] - base, done[-1]['seconds'] - base, span)
            mem_exp = _exponent(done[0]['mb'] - start['mb'], done[-1]['mb'] - start['mb'], span)
            growth = f'{time_exp:9.2f} {mem_exp:8.2f}'
        else:
            growth = f'{"super":>9} {"-":>8}'
        print(f'{name:17} {unit:10} ' + ' '.join(cells) + ' ' + growth, flush=True)
    if args.json:
        args.json.write_text(json.dumps({'start': start, 'shapes': figures}, indent=1), encoding='utf-8')


if __name__ == '__main__':
    main()
