"""Display lines balanced: a title broken into lines of about even length, never a long line
and a word left alone under it.

First-fit fills a title's first lines and leaves the rest to the last ("Instruments and Their
Settings for the / Keeping of a Light Through a Long / Winter"). A book designer sets it in
as few lines, of about the same length, breaking at a natural pause where one offers (after a
colon or a comma) and not after an article or a preposition. This module chooses those breaks
from the words' widths alone: the editions measure the words (HarfBuzz for the PDF's title
page, openers and part titles: pdf/display.py; Pillow for the drawn cover: epub/cover.py) and
break the lines where it says. The EPUB and web edition ask the reader for the same with CSS
``text-wrap: balance``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar('T')

# A line may end after such a word; a break there reads as a pause.
_PAUSE = re.compile(r'[:;,.!?\u2013\u2014)\]]["\u2019\u201d]?$')
# Words a line should not end on (articles, prepositions, conjunctions), capitalised or not (a
# title in title case capitalises the longer ones); any other language's are mostly caught by
# their length (at most three letters, in lower case).
_WEAK = frozenset({'a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'and', 'or', 'but', 'nor',
                   'about', 'after', 'among', 'before', 'between', 'from', 'into', 'over',
                   'that', 'their', 'these', 'this', 'those', 'through', 'under', 'upon', 'with',
                   'without', 'your', 'when', 'where', 'which', 'while'})
# Costs, as a share of the squared target width: ending on a weak word is as bad as a line
# 20% off the target; a pause is worth 12%; a last line of one word is never chosen if
# another way exists.
_WEAK_COST = 0.2 ** 2
_PAUSE_BONUS = 0.12 ** 2
_ALONE_COST = 4.0


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a display line: its width, and how a line ending after it reads."""

    width: float
    breakable: bool = True  # a line may end after it (False: a no-break space follows)
    weak: bool = False  # ending a line on it reads badly ('of', 'the')
    pause: bool = False  # ending a line on it is a natural break ('Keeper:')


def word(text: str, width: float, breakable: bool = True) -> Word:
    """A :class:`Word` for ``text`` as printed, ``width`` wide."""
    bare = text.strip('"\'\u2018\u2019\u201c\u201d([')
    weak = bare.isalpha() and (bare.lower() in _WEAK or (bare.islower() and len(bare) <= 3))
    return Word(width, breakable, weak, bool(_PAUSE.search(text)))


def balanced(words: Sequence[Word], space: float, room: float) -> list[int] | None:
    """The indices of the words after which a line ends (the last word's excluded), for as few
    lines as first-fit sets in ``room`` but of about even length; [] for one line. None when
    a word (or words joined by no-break spaces) is wider than ``room``: nothing is chosen."""
    count = len(words)
    if count == 0:
        return []
    starts = [0.0]
    for item in words:
        starts.append(starts[-1] + item.width)

    def width(first: int, last: int) -> float:  # words first..last on one line
        return starts[last + 1] - starts[first] + (last - first) * space

    def may_end(last: int) -> bool:
        return last == count - 1 or words[last].breakable

    lines = _fewest_lines(count, width, may_end, room)
    if lines is None or lines <= 1:
        return None if lines is None else []
    target = (width(0, count - 1) - (lines - 1) * space) / lines
    scale = target * target
    infinite = float('inf')
    # best[l][j]: the least cost of words 0..j in l lines, the last ending after j; how[l][j]: where
    # that last line starts.
    best = [[infinite] * count for _ in range(lines + 1)]
    how = [[-1] * count for _ in range(lines + 1)]
    for last in range(count):
        if may_end(last) and width(0, last) <= room:
            best[1][last] = _line_cost(words, 0, last, width(0, last), target, scale, count)
            how[1][last] = 0
    for number in range(2, lines + 1):
        for last in range(count):
            if not may_end(last):
                continue
            for first in range(last, 0, -1):
                line = width(first, last)
                if line > room:
                    break
                before = best[number - 1][first - 1]
                if before == infinite:
                    continue
                cost = before + _line_cost(words, first, last, line, target, scale, count)
                if cost < best[number][last]:
                    best[number][last], how[number][last] = cost, first
    if best[lines][count - 1] == infinite:
        return None
    ends: list[int] = []
    last, number = count - 1, lines
    while number > 1:
        first = how[number][last]
        ends.append(first - 1)
        last, number = first - 1, number - 1
    return sorted(ends)


def _fewest_lines(count: int, width: Callable[[int, int], float], may_end: Callable[[int], bool],
                  room: float) -> int | None:
    """First-fit's line count: each line takes every word that fits (the fewest lines there
    are); None if some word cannot fit at all."""
    lines, first = 0, 0
    while first < count:
        end = None
        for last in range(first, count):
            if width(first, last) > room:
                break
            if may_end(last):
                end = last
        if end is None:
            return None
        lines, first = lines + 1, end + 1
    return lines


def _line_cost(words: Sequence[Word], first: int, last: int, line: float, target: float,
               scale: float, count: int) -> float:
    cost = (line - target) ** 2
    if last < count - 1:
        cost += scale * (_WEAK_COST if words[last].weak else 0.0)
        cost -= scale * (_PAUSE_BONUS if words[last].pause else 0.0)
    elif first == last:
        cost += scale * _ALONE_COST  # a word alone on the last line
    return cost


def split(items: Sequence[T], ends: Sequence[int]) -> list[list[T]]:
    """``items`` cut into lines after each index of ``ends`` (as :func:`balanced` gives them)."""
    starts = [0, *(end + 1 for end in ends)]
    return [list(items[start:stop]) for start, stop in zip(starts, [*starts[1:], len(items)], strict=True)
            if start < stop]
