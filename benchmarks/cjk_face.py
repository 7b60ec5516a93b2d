"""What making a book's CJK face costs (theme/cjk.py): CPU seconds, peak memory and size.

    python benchmarks/cjk_face.py [--characters 300,1000,2500] [--region SC] [--weight 400]
                                  [--book FOLDER]

For each count, N ideographs of the collection's cmap (every seventh, so they spread over the
block, plus ASCII and CJK punctuation as a book has them) are made into a static CFF face,
each in a fresh process (the peak RSS is that process's own), without the cache folder.
With --book, the characters of that book instead (its Markdown files' characters the book
face lacks). Prints one line per run; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

_CHILD = r'''
import json, resource, sys, time
from makebook.theme import cjk
region, weight, codes = sys.argv[1], int(sys.argv[2]), json.loads(sys.stdin.read())
start = time.process_time()
data = cjk.make(cjk.collection(), region, weight, codes)
seconds = time.process_time() - start
print(json.dumps({'cpu': seconds, 'rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  'bytes': len(data)}))
'''


def spread(count: int) -> list[int]:
    from makebook.theme import cjk

    ideographs = sorted(c for c in cjk.collection_cmap() if 0x4E00 <= c <= 0x9FFF)[::7][:count]
    return sorted({*ideographs, *range(0x20, 0x7F), *range(0x3000, 0x3020), *range(0xFF01, 0xFF20)})


def book_codes(folder: Path) -> list[int]:
    from makebook.theme import cjk, faces

    text = ''.join(p.read_text(encoding='utf-8', errors='replace') for p in sorted(folder.rglob('*.md')))
    book = faces.coverage(faces.book_face())
    return sorted({ord(c) for c in text if ord(c) in cjk.collection_cmap() and ord(c) not in book})


def run(region: str, weight: int, codes: list[int]) -> dict[str, float]:
    done = subprocess.run([sys.executable, '-c', _CHILD, region, str(weight)], input=json.dumps(codes),
                          capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--characters', default='300,1000,2500')
    parser.add_argument('--region', default='SC')
    parser.add_argument('--weight', type=int, default=400)
    parser.add_argument('--book', type=Path)
    options = parser.parse_args()
    cases = ([(f'book {options.book.name}', book_codes(options.book))] if options.book else
             [(f'{n} ideographs', spread(int(n))) for n in options.characters.split(',')])
    print(f'cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, region {options.region}, '
          f'weight {options.weight}')
    for name, codes in cases:
        figures = run(options.region, options.weight, codes)
        print(f'{name}: {len(codes)} characters, {figures["cpu"]:.1f} CPU s '
              f'({1000 * figures["cpu"] / len(codes):.1f} ms a character), peak {figures["rss_mb"]:.0f} MB, '
              f'{figures["bytes"] / 1e6:.2f} MB')


if __name__ == '__main__':
    main()
