"""Line breaks chosen for a whole paragraph at once (Knuth and Plass's total fit).

WeasyPrint breaks lines first-fit: each line takes every word that fits, so a
long word that does not fit leaves its line loose, and nothing looks ahead.
This module chooses the breaks of a whole paragraph before layout, the way TeX
does: every feasible sequence of lines is weighed (word spaces far from the
face's own, hyphens, hyphens on consecutive lines, a last line holding one
word) and the cheapest is kept. It knows nothing of WeasyPrint or the DOM: a
paragraph is a list of items (boxes of known width, word spaces, breaks inside
words), and the answers are item indices.

WeasyPrint cannot be told where to break; it can only be stopped from breaking.
So :func:`forbidden` says, for each chosen line, which later break opportunities
WeasyPrint's first-fit would still reach: made unbreakable (a no-break space,
a word joiner, no soft hyphen), they leave the chosen break as its only choice.
WeasyPrint never shrinks a space below its natural width (the face's space
plus ``word-spacing``), so that width is the least a space may have here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A width tolerance (points): a chosen line must fit by this much, and first-fit is
# assumed to reach this much further, so small measuring differences cannot change a break.
TOLERANCE = 0.25


@dataclass(frozen=True, slots=True)
class Box:
    """Something of fixed width: a word, or a piece of one between its break points."""

    width: float


@dataclass(frozen=True, slots=True)
class Space:
    """A word space: it stretches when the line is justified; ``breakable`` False for a no-break space.
    ``extra``: how much wider than the paragraph's space it is (a space in code), counted inside a
    line and, like the space itself, not at a line's end."""

    breakable: bool = True
    extra: float = 0.0


@dataclass(frozen=True, slots=True)
class Break:
    """A break opportunity inside a word: ``width`` is drawn at the line's end if it breaks
    here (a hyphen; 0 after a dash), ``hyphen`` if that end shows a hyphen."""

    width: float
    hyphen: bool = True
    cost: float = 50.0


Item = Box | Space | Break


@dataclass(frozen=True, slots=True)
class Measure:
    """The lines' widths and the word spaces, in points."""

    first: float  # the first line's width (the measure less the indent)
    rest: float  # every other line's width
    space: float  # the ideal word space (the face's own)
    least: float  # the narrowest word space WeasyPrint sets (space + word-spacing)
    loose: float  # a word space over this is a loose line


# Demerits, after TeX's: a hyphen, two hyphens in a row, a hyphen before the last line,
# a last line of one word, and lines of very different tightness side by side.
_LINE = 10.0
_DOUBLE_HYPHEN = 10_000.0
_FINAL_HYPHEN = 5_000.0
_ONE_WORD_LAST_LINE = 1_000_000_000.0
_ADJACENT = 3_000.0
_LOOSE = 30_000.0  # over the loose limit: only when nothing better exists
_MOST_HYPHENS = 2  # never three hyphenated lines in a row
_TOO_LOOSE = 3.5  # word spaces over 3.5 times the face's own are not considered at all
_PAST = 6.0  # points: a line this much too long means every later one from there is too


@dataclass(slots=True)
class _Node:
    item: int  # the break: a line ends at this item (-1: the paragraph's start)
    line: int  # lines before the break
    hyphens: int  # consecutive hyphenated lines ending here
    fitness: int
    demerits: float
    previous: _Node | None


@dataclass(frozen=True, slots=True)
class Solution:
    breaks: list[int]  # the item where each line ends (the last is ``len(items)``)
    demerits: float


def best_breaks(items: Sequence[Item], measure: Measure) -> list[int] | None:
    """Indices of the items where each line ends (the last is ``len(items)``), or None when
    no set of lines fits (a word wider than the measure): then leave the paragraph alone."""
    solution = solve(items, measure)
    return solution.breaks if solution is not None else None


def solve(items: Sequence[Item], measure: Measure) -> Solution | None:
    """The cheapest set of lines, or None when none fits (a word wider than the measure).

    A line ending at a :class:`Space` leaves the space out; one ending at a
    :class:`Break` draws its width. The last line is set at natural spacing.
    Lines looser than three and a half spaces are not even weighed, unless
    nothing else fits (a narrow measure, long words): as TeX's second pass.
    """
    return _solve(items, measure, _TOO_LOOSE) or _solve(items, measure, float('inf'))


def _solve(items: Sequence[Item], measure: Measure, loosest: float) -> Solution | None:
    count = len(items)
    width = [0.0] * (count + 1)  # box width before item i
    spaces = [0] * (count + 1)  # stretchable spaces before item i
    for index, item in enumerate(items):
        width[index + 1] = width[index] + _advance(item)
        spaces[index + 1] = spaces[index] + isinstance(item, Space)
    candidates = [i for i, item in enumerate(items)
                  if isinstance(item, Break) or (isinstance(item, Space) and item.breakable)]
    candidates.append(count)
    words = _word_starts(items)
    # First-fit breaks a word at its last break point that fits: so may we.
    next_in_word: dict[int, int] = {}
    pending: int | None = None
    for index in range(count - 1, -1, -1):
        item = items[index]
        if isinstance(item, Space):
            pending = None
        elif isinstance(item, Break):
            if pending is not None:
                next_in_word[index] = pending
            pending = index
    active: dict[tuple[int, int, int], _Node] = {(-1, 0, 1): _Node(-1, 0, 0, 1, 0.0, None)}
    least, first, rest = measure.least, measure.first, measure.rest
    too_loose = loosest * measure.space
    for end in candidates:
        found: dict[tuple[int, int, int], _Node] = {}
        ending = items[end] if end < count else None
        cut = ending if isinstance(ending, Break) else None  # a line ending inside a word
        last = ending is None
        drawn = cut.width if cut is not None else 0.0
        hyphenated = cut is not None and cut.hyphen
        later = next_in_word.get(end)
        end_width, end_spaces = width[end], spaces[end]
        for key, node in list(active.items()):
            start = node.item + 1
            available = first if node.line == 0 else rest
            boxes = end_width - width[start] + drawn
            gaps = end_spaces - spaces[start]
            natural = boxes + gaps * least
            if natural > available - TOLERANCE:
                if natural > available + _PAST:  # no later line from this node can fit
                    del active[key]
                continue
            if not last and (gaps == 0 or (available - boxes) / gaps > too_loose) \
                    and available - boxes > 1.0:
                continue  # far too loose to consider
            if later is not None and width[later] - width[start] + _width(items[later]) \
                    + (spaces[later] - spaces[start]) * least <= available + TOLERANCE:
                continue  # first-fit would break the word further on
            run = node.hyphens + 1 if hyphenated else 0
            if run > _MOST_HYPHENS:
                continue
            fitness, badness = _badness(available, boxes, gaps, measure, last)
            demerits = (_LINE + badness) ** 2
            if cut is not None:
                demerits += cut.cost ** 2
                if hyphenated and node.hyphens:
                    demerits += _DOUBLE_HYPHEN
            elif last:
                if node.hyphens:
                    demerits += _FINAL_HYPHEN
                if node.line > 0 and words.count_between(start, end) == 1:
                    demerits += _ONE_WORD_LAST_LINE
            if not last and abs(fitness - node.fitness) > 1:
                demerits += _ADJACENT
            total = node.demerits + demerits
            new_key = (end, 1, run)  # a line ends here: what follows is never a first line
            best = found.get(new_key)
            if best is None or total < best.demerits:
                found[new_key] = _Node(end, node.line + 1, run, fitness, total, node)
        active.update(found)
        if not active:
            return None
    finals = [node for (item, _, _), node in active.items() if item == count]
    if not finals:
        return None
    best = min(finals, key=lambda n: n.demerits)
    breaks = []
    step: _Node | None = best
    while step is not None and step.item >= 0:
        breaks.append(step.item)
        step = step.previous
    return Solution(breaks[::-1], best.demerits)


def _width(item: Item) -> float:
    return item.width if isinstance(item, Box | Break) else 0.0


def _advance(item: Item) -> float:
    """What an item adds to a line's fixed width when the line goes on past it."""
    return item.width if isinstance(item, Box) else item.extra if isinstance(item, Space) else 0.0


def _badness(available: float, boxes: float, gaps: int, measure: Measure,
             last: bool) -> tuple[int, float]:
    """(fitness class 0 tight .. 3 very loose, badness) of a line."""
    if last:
        return 1, 0.0
    if gaps == 0:  # one word on a line of its own: only if it fills the line
        return (1, 0.0) if available - boxes < 1.0 else (3, 10_000.0 + _LOOSE)
    space = (available - boxes) / gaps
    if space < measure.space:
        ratio = (measure.space - space) / max(measure.space - measure.least, 1e-6)
        return (0 if ratio > 0.5 else 1), 100.0 * ratio ** 3
    ratio = (space - measure.space) / max(measure.loose - measure.space, 1e-6)
    badness = 100.0 * ratio ** 3 + (_LOOSE if space > measure.loose else 0.0)
    return (1 if ratio < 0.5 else 2 if ratio < 1 else 3), badness


class _WordStarts:
    """How many words a range of items holds (boxes after a space, or at the start)."""

    def __init__(self, items: Sequence[Item]) -> None:
        self._starts = [0] * (len(items) + 1)
        after_space = True
        for index, item in enumerate(items):
            begins = isinstance(item, Box) and after_space
            self._starts[index + 1] = self._starts[index] + begins
            if isinstance(item, Box):
                after_space = False
            elif isinstance(item, Space):
                after_space = True

    def count_between(self, start: int, end: int) -> int:
        return self._starts[end] - self._starts[start] + (start > 0 and not self._is_word_start(start))

    def _is_word_start(self, index: int) -> bool:
        return self._starts[index + 1] > self._starts[index]


def _word_starts(items: Sequence[Item]) -> _WordStarts:
    return _WordStarts(items)


def forbidden(items: Sequence[Item], breaks: Sequence[int], measure: Measure) -> list[int]:
    """The break opportunities WeasyPrint's first-fit would take instead of ``breaks``.

    For each line, first-fit reaches the furthest opportunity whose line still
    fits at the narrowest spacing; every opportunity after the chosen break up
    to that one must be taken away.
    """
    count = len(items)
    width = [0.0] * (count + 1)
    spaces = [0] * (count + 1)
    for index, item in enumerate(items):
        width[index + 1] = width[index] + _advance(item)
        spaces[index + 1] = spaces[index] + isinstance(item, Space)
    taken: list[int] = []
    start = 0
    for line, end in enumerate(breaks):
        available = (measure.first if line == 0 else measure.rest) + TOLERANCE
        for index in range(end + 1, count):
            item = items[index]
            if isinstance(item, Box) or (isinstance(item, Space) and not item.breakable):
                continue
            extra = item.width if isinstance(item, Break) else 0.0
            natural = width[index] - width[start] + extra + (spaces[index] - spaces[start]) * measure.least
            if natural > available:
                break
            taken.append(index)
        start = end + 1
    return taken
