"""pymdownx's emphasis (``*`` and ``_``: its ``DelimiterProcessor``), every match of a text in one pass.

Python-Markdown applies an inline pattern one match at a time and makes the whole text again
around each match's placeholder, so that the next search, and the processor, see the
placeholder where the match was: 80,000 emphasis delimiters in one paragraph copied it 40,000
times (the copies grow as the square of the paragraph). The processor cannot simply be given
every match at once as links are (inline.py, ``_AT_ONCE``): it keeps state between matches
(the elements it paired on its first call, handed out one a call, each placed by how far the
text has moved since; the rest of a closing run) and it looks at the character before a run.

So :func:`apply_at_once` asks it the same questions, in the same order, with a text that reads
the same where it reads. What it reads was worked out from pymdownx's code (13.x) and is
checked by a unit test that converts many texts both ways and compares the XHTML:

* From the token it is called for on, never before it, except the one character before the
  token when it pairs anew (its patterns look one character back). The text as Python-Markdown
  would have made it is the pieces done so far, each match a placeholder, then the text as it
  came from the end of the last match: from any token after that end on, the text as it came
  reads the same, so it is given that text, uncopied.
* When it pairs anew at a token right after the last match, it reads the end of that match's
  placeholder (STX...ETX) before the token: it is given ETX and the text from the token on, as
  far as it reads (a window, grown and asked again, its state put back, when it read to the
  window's end), so the copy is bounded by what it reads itself.
* Positions: it places a kept element by how far the token it is called for is from the one it
  expected, so any text whose offsets differ from Python-Markdown's by a constant at each call
  gives the same elements: its answers are taken back to the text as it came.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Callable
from typing import Any

from markdown import util
from pymdownx.delimiterprocessor import DelimiterProcessor

# The text given to a fresh pairing right after a match: this much at first, four times as much
# each time it read to the window's end.
_WINDOW = 256


def applies(pattern: Any) -> bool:
    """Whether ``pattern`` is a delimiter processor :func:`apply_at_once` knows how to ask: one
    whose search is for single tokens (no look-around) and that keeps its elements in ``cache``."""
    return (isinstance(pattern, DelimiterProcessor)
            and isinstance(getattr(pattern, 'cache', None), list)
            and all(len(token) == 1 for token in getattr(pattern, 'tokens', ('',))))


def apply_at_once(pattern: Any, data: str, start_index: int, place: Callable[[Any], str]) -> str:
    """``data`` with every match of ``pattern`` from ``start_index`` on replaced by what ``place``
    returns for its element (the element read on and stashed, as ``__applyPattern`` does), as
    Python-Markdown's loop of ``__applyPattern`` makes it, without making the text again for each.

    ``text[done:]`` is always the text as Python-Markdown would have it after ``pieces``."""
    search = pattern.getCompiledRegExp().search
    text = data
    pieces: list[str] = []
    done = 0
    scan = start_index
    while (match := search(text, scan)) is not None:
        if pieces and match.start() == done and not pattern.cache:
            node, start, end = _pair_after_placeholder(pattern, text, done)
        else:
            node, start, end = pattern.handleMatch(match, text)
        if start is None or end is None:  # (never from this processor) as __applyPattern: the next match
            scan = match.end()
            continue
        if min(start, end) < done:  # (never: it answers from its token on) as Python-Markdown would
            prefix = ''.join(pieces)
            shift = len(prefix) - done
            text, pieces, done = prefix + text[done:], [], 0
            start, end = start + shift, end + shift
        if node is None:  # no element: look again from where it says
            scan = end
            continue
        if not pieces and type(text) is not str:  # as str.format made it: EvaluatedText no more
            text = str(text)
        pieces += [text[done:start], place(node)]
        done = scan = end
    if not pieces:
        return data
    pieces.append(text[done:])
    return ''.join(pieces)


def _pair_after_placeholder(pattern: Any, text: str, done: int) -> tuple[Any, int | None, int | None]:
    """The processor's answer for the token at ``done``, right after a placeholder, when it pairs
    anew: asked with ETX (the placeholder's end) and the text from ``done`` on, as far as it reads
    from there; its answer in ``text``'s offsets."""
    tokens = re.compile('[' + ''.join(map(re.escape, pattern.tokens)) + ']*')
    saved = _state(pattern)
    size = _WINDOW
    while True:
        stop = min(len(text), done + size)
        window = util.ETX + text[done:stop]
        whole = stop == len(text)
        reach = _Reach(pattern, tokens)
        try:
            match = pattern.getCompiledRegExp().match(window, 1)
            node, start, end = pattern.handleMatch(match, window)
        finally:
            reach.remove()
        if whole or max(reach.furthest, end or 0) + 2 < len(window):
            offset = done - 1
            return node, None if start is None else start + offset, None if end is None else end + offset
        _restore(pattern, saved)  # it read to the window's end: again with more text
        size *= 4


class _Reach:
    """How far into the text the processor's searches and matches went: each match's end, and
    the rest of a run it ends in (its patterns read a run whole, then look one character on)."""

    def __init__(self, pattern: Any, tokens: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.furthest = 0
        search, get_match = pattern.search, pattern.get_match

        def seen(data: str, found: re.Match[str] | None) -> re.Match[str] | None:
            end = len(data) if found is None else tokens.match(data, found.end()).end()  # type: ignore[union-attr]
            self.furthest = max(self.furthest, end)
            return found

        # Instance attributes for this one call (the processor calls self.search, self.get_match).
        pattern.search = lambda data, start: seen(data, search(data, start))
        pattern.get_match = lambda data, start: seen_or_run(data, start, get_match(data, start))

        def seen_or_run(data: str, start: int, found: re.Match[str] | None) -> re.Match[str] | None:
            if found is None:  # it reads the run at start (then skips it)
                self.furthest = max(self.furthest, tokens.match(data, start).end())  # type: ignore[union-attr]
                return None
            return seen(data, found)

    def remove(self) -> None:
        del self.pattern.search, self.pattern.get_match


def _state(pattern: Any) -> list[tuple[Any, dict[str, Any]]]:
    """The processor's and its delimiters' attributes, their lists, dicts and deques copied."""
    owners = [pattern, *pattern.delimiters.values()]
    return [(owner, {name: _copy(value) for name, value in vars(owner).items()}) for owner in owners]


def _restore(pattern: Any, saved: list[tuple[Any, dict[str, Any]]]) -> None:
    for owner, attributes in saved:
        vars(owner).clear()
        vars(owner).update({name: _copy(value) for name, value in attributes.items()})


def _copy(value: Any) -> Any:
    if isinstance(value, (list, dict, collections.deque)):
        return value.copy()
    return value
