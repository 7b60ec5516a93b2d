"""The CommonMark specification's examples read by make-book and by plain Python-Markdown.

    python benchmarks/commonmark_spec.py [--failing]

Prints, per section of the spec (0.31.2, 652 examples), how many examples come out as the
spec says: plain Python-Markdown (no extension), make-book strict (raw HTML make-book
removes counts against it) and make-book as the test suite counts it (the expected HTML
goes through the same sanitiser first). The comparison is tests/commonmark.py's. Sections
the issue holds to 95 % are starred. ``--failing`` lists the examples make-book fails.
Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import commonmark as cm  # (the repository root is on the path now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--failing', action='store_true', help='list the examples make-book fails')
    args = parser.parse_args()
    started = time.perf_counter()
    plain = {e.number: cm.passes(e, cm.python_markdown, sanitise_expected=False) for e in cm.examples()}
    strict = {e.number: cm.passes(e, sanitise_expected=False) for e in cm.examples()}
    neutral = {e.number: cm.passes(e) for e in cm.examples()}
    seconds = time.perf_counter() - started
    print(f'{"section":42} {"n":>4} {"Python-Markdown":>16} {"make-book strict":>17} {"make-book":>11}')
    focus = [0, 0, 0, 0]
    for (section, a, n), (_, b, _), (_, c, _) in zip(cm.per_section(plain), cm.per_section(strict),
                                                      cm.per_section(neutral), strict=True):
        star = ' *' if section in cm.FOCUS else ''
        print(f'{section + star:42} {n:4} {_share(a, n):>16} {_share(b, n):>17} {_share(c, n):>11}')
        if star:
            focus = [focus[0] + n, focus[1] + a, focus[2] + b, focus[3] + c]
    print(f'{"block structure (*)":42} {focus[0]:4} {_share(focus[1], focus[0]):>16} '
          f'{_share(focus[2], focus[0]):>17} {_share(focus[3], focus[0]):>11}')
    total = len(neutral)
    print(f'{"all":42} {total:4} {_share(sum(plain.values()), total):>16} '
          f'{_share(sum(strict.values()), total):>17} {_share(sum(neutral.values()), total):>11}')
    print(f'({seconds:.1f} s for the three readings)')
    if args.failing:
        for example in cm.examples():
            if not neutral[example.number]:
                _, want, got = cm.compare(example)
                print(f'\n{example.number} ({example.section}) {example.markdown!r}\n  expected {want!r}'
                      f'\n  got      {got!r}')


def _share(passed: int, count: int) -> str:
    return f'{passed} ({100 * passed / count:.0f}%)'


if __name__ == '__main__':
    main()
