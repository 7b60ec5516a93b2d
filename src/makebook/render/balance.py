"""Markdown's HTML with every element closed in the block it was opened in.

Raw HTML pasted into a paragraph is passed through by Python-Markdown as it is:
``<em>unclosed`` gives ``<p><em>unclosed</p>``. An HTML5 parser (nh3's, the
browsers') then *reopens* the ``<em>`` after the paragraph and wraps everything
that follows in it: the chapter's later headings and its footnotes end up inside
``<em>`` (EPUBCheck: "element h2 not allowed here"), and the notes are never made.
An unclosed ``<script>`` or comment in a paragraph hid the rest of the file.

Here the HTML is read once, tag by tag (never scanning past the next ``<``), with
a stack of open elements: an end tag closes what was opened after its element
and left open (each such element is reported, but for those HTML lets close
themselves, like ``<p>`` and ``<li>``), an end tag that closes nothing is dropped,
and a comment or a ``<script>``-like element with no end is closed where its
block ends. Linear in the size of the HTML.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from makebook import codes
from makebook.codes import Code

# A tag: its name, then attributes up to its end. A quoted value may hold '<' and '>' (HTML
# reads '<iframe srcdoc="<img src=x>">' as one tag: read as two, the iframe's end tag closed
# nothing and the iframe swallowed the rest of the chapter). Outside quotes, no '<' or '>'.
# The attributes are read once, atomically (no backtracking: linear, a failed tag included);
# a quote that is never closed is an ordinary character, as it was.
_TAG = re.compile(r'<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])'
                  r'(?>(?:[^<>=/]|/(?!>)|=\s*"[^"]*"|=\s*\'[^\']*\'|=)*)(/?)>')
# <plaintext> has no end in HTML: everything after it, to the end of the file, is its text
# (the chapter's later headings as escaped markup). It is taken out, its content kept.
_PLAINTEXT = re.compile(r'</?plaintext(?=[\s/>])[^<>]*>', re.IGNORECASE)
_VOID = frozenset({'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta',
                   'param', 'source', 'track', 'wbr', 'keygen', 'frame'})
# Elements whose content is text up to their own end tag (no tags inside).
_RAW_TEXT = frozenset({'script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed',
                       'noframes', 'noscript', 'plaintext'})
# Elements HTML closes by itself: closing them silently is no repair worth a word.
_SELF_ENDING = frozenset({'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'option',
                          'optgroup', 'rt', 'rp', 'rb', 'rtc', 'colgroup', 'caption', 'html', 'body',
                          'head'})
# Never closed, these run on to the end of their table (a row's cells are no new block).
_TABLE_ROWS = frozenset({'tr', 'thead', 'tbody', 'tfoot', 'colgroup'})
# Where a block ends, for what must be closed "at the end of its block".
_BLOCK_BOUNDARY = re.compile(
    r'</?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|tr|td|th|blockquote|section|aside|figure|pre|hr|'
    r'header|footer|nav|article|details|summary)(?=[\s/>])', re.IGNORECASE)

# No book nests elements this deep; past it, an HTML parser's work grows with the square
# of the depth (nh3 took minutes over 100,000 nested <div>), and repairs.nesting would
# flatten the rest to text anyway. Deeper start and end tags are dropped, their text kept.
MAX_DEPTH = 200

# (code, message, the text to find the line by).
Report = Callable[[Code, str, str], None]


class _Boundaries:
    """The next block boundary after a position; asked in increasing order, each search
    starts where the last one ended (linear however many ask)."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self._from = -1
        self._at = -1

    def after(self, position: int) -> int:
        if position <= self._at and position >= self._from:
            return self._at
        found = _BLOCK_BOUNDARY.search(self.markup, position)
        self._from, self._at = position, found.start() if found else len(self.markup)
        return self._at


def _scan(markup: str, report: Report | None = None) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    """The tags of ``markup`` in order, as (start, end, match), closed comments and raw text
    skipped. A comment or raw-text element never closed comes as (start, end of its block, None)
    or, for raw text, its start tag's match with the end of its block; ``report`` hears of each."""
    boundaries = _Boundaries(markup)
    no_end_after: dict[str, int] = {}  # past here, no end tag of that name is left
    no_comment_end_after = len(markup) + 1
    cursor = markup.find('<')
    while cursor >= 0:
        if markup.startswith('<!--', cursor):
            end = markup.find('-->', cursor + 4) if cursor < no_comment_end_after else -1
            if end >= 0:
                cursor = markup.find('<', end + 3)
                continue
            no_comment_end_after = min(no_comment_end_after, cursor)
            stop = boundaries.after(cursor + 4)
            if report:
                report(codes.UNCLOSED_HTML, 'the comment <!-- is never closed; it is closed at the end of '
                       'its block', '<!--')
            yield cursor, stop, None
            cursor = markup.find('<', stop)
            continue
        match = _TAG.match(markup, cursor)
        if match is None:
            cursor = markup.find('<', cursor + 1)
            continue
        name = match.group(2).lower()
        if name in _RAW_TEXT and not match.group(1) and not match.group(3):
            raw_end = None if match.end() >= no_end_after.get(name, len(markup) + 1) \
                else _end_tag(markup, name, match.end())
            if raw_end is not None:
                cursor = markup.find('<', raw_end)
                continue
            no_end_after[name] = min(no_end_after.get(name, len(markup) + 1), match.end())
            stop = boundaries.after(match.end())
            if report:
                report(codes.UNCLOSED_HTML, f'<{name}> is never closed; it is closed at the end of its block',
                       f'<{name}')
            yield cursor, stop, match
            cursor = markup.find('<', stop)
            continue
        yield cursor, match.end(), match
        cursor = markup.find('<', match.end())


def _closed_later(markup: str) -> set[int]:
    """The start tags (by position) an end tag of their name closes later on (the most recent
    open one of a name is what an end tag closes)."""
    closed: set[int] = set()
    waiting: dict[str, list[int]] = {}
    for start, end, match in _scan(markup):
        if match is None or end != match.end():
            continue  # a comment or raw text
        name = match.group(2).lower()
        if match.group(1):
            if waiting.get(name):
                closed.add(waiting[name].pop())
        elif name not in _VOID and not match.group(3):
            waiting.setdefault(name, []).append(start)
    return closed


def balance(markup: str, report: Report) -> str:
    """``markup`` with every element closed in the block it was opened in; ``report`` hears of
    each element that was not. An element nothing closes later ends where its block ends
    (the next block boundary), not at the end of the file."""
    if '<' not in markup:
        return markup
    markup = _without_plaintext(markup, report)
    closed_later = _closed_later(markup)
    boundaries = _Boundaries(markup)
    out: list[str] = []
    stack: list[str] = []
    # (depth in the stack, where it must be closed) of the elements nothing closes; their
    # deadlines grow with their depth, so the first is the earliest.
    deadlines: list[tuple[int, int]] = []
    open_names: Counter[str] = Counter()
    too_deep: Counter[str] = Counter()  # start tags dropped past MAX_DEPTH, by name, still open
    position = 0  # copied up to here

    def pop_one() -> str:
        name = stack.pop()
        open_names[name] -= 1
        while deadlines and deadlines[-1][0] >= len(stack):
            deadlines.pop()
        return name

    def close_above(depth: int) -> None:
        """Close the open elements above ``depth``, reporting those HTML does not let end alone."""
        while len(stack) > depth:
            left = pop_one()
            out.append(f'</{left}>')
            if left not in _SELF_ENDING:
                report(codes.UNCLOSED_HTML, f'<{left}> is never closed; it is closed at the end of its block',
                       f'<{left}')

    for start, end, match in _scan(markup, report):
        if deadlines and deadlines[0][1] <= start:
            out.append(markup[position:start])
            position = start
            close_above(deadlines[0][0])
        if match is None or end != match.end():  # a comment or raw text closed at its block's end
            out.append(markup[position:end])
            out.append(' -->' if match is None else f'</{match.group(2).lower()}>')
            position = end
            continue
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            out.append(markup[position:start])
            position = end  # an end tag that closes nothing is dropped
            if too_deep[name] > 0:  # the end of one of the dropped ones: the deepest closes first
                too_deep[name] -= 1
            elif open_names[name] > 0:
                depth = len(stack) - 1 - stack[::-1].index(name)
                close_above(depth + 1)
                pop_one()
                out.append(match.group(0))
        elif name not in _VOID and not self_closing:
            if len(stack) >= MAX_DEPTH:
                out.append(markup[position:start])
                position = end
                if not any(too_deep.values()):
                    report(codes.NESTED_TOO_DEEP, f'HTML nested more than {MAX_DEPTH} levels deep; the '
                           'elements deeper than that are left out, their text kept', f'<{name}')
                too_deep[name] += 1
            else:
                if start not in closed_later and name not in _TABLE_ROWS:
                    deadlines.append((len(stack), boundaries.after(end)))
                stack.append(name)
                open_names[name] += 1
    out.append(markup[position:])
    close_above(0)
    return ''.join(out)


def _without_plaintext(markup: str, report: Report) -> str:
    """``markup`` without its <plaintext> tags, each reported."""
    def drop(match: re.Match[str]) -> str:
        if not match.group().startswith('</'):
            report(codes.RAW_HTML_REMOVED, 'raw HTML: removed <plaintext> (not allowed in a book: it would '
                   'turn the rest of the chapter into plain text); its content is kept', '<plaintext')
        return ''
    return _PLAINTEXT.sub(drop, markup) if '<plaintext' in markup.lower() else markup


def _end_tag(markup: str, name: str, start: int) -> int | None:
    """The end of ``</name>`` after ``start`` (any case), or None."""
    found = re.compile(rf'</{name}\s*>', re.IGNORECASE).search(markup, start)
    return found.end() if found else None
