"""The block structure of a Markdown file as CommonMark reads it, by markdown-it-py.

markdown-it-py passes the whole CommonMark specification; here it reads only the block
structure (containers and leaves with their lines), never the inline text, which
Python-Markdown and make-book's extensions still read. Besides CommonMark it knows
the block syntax make-book's manuscripts use, so that CommonMark does not misread it:
pipe tables, footnote definitions with indented paragraphs (pandoc's and
Python-Markdown's), definition lists (pandoc's ``:`` and ``~``) and pandoc fenced divs
(``::: {.note}`` ... ``:::``, nested, as make-book's fenced_divs extension reads them).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from makebook.extensions.fenced_divs import CLOSE_RE, OPEN_RE

Rule = Callable[[StateBlock, int, int, bool], bool]

# Containers deeper than this are read as text: the limits of recursion (markdown-it,
# Python-Markdown and lxml all recurse) are far beyond, and make-book reports and
# flattens anything nested 100 deep anyway (render.repairs.MAX_DEPTH).
MAX_LEVEL = 110
CONTAINER_RULES = ('blockquote', 'list', 'footnote_def', 'deflist', 'fenced_div')
_FENCE = re.compile(r'(?P<fence>`{3,}|~{3,})(?P<info>.*)')
_DISPLAY_MATH = re.compile(r'(?<!\\)\$\$')


@dataclass
class Parsed:
    tokens: list[Token]
    lines: list[str]  # the source, one string per line
    references: dict[str, dict[str, Any]] = field(default_factory=dict)  # normalised label -> definition
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # later definitions of a label


def parse(text: str) -> Parsed:
    """The block tokens of ``text`` (newlines already normalised to ``\\n``)."""
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    return Parsed(tokens, text.split('\n'), env.get('references', {}), env.get('duplicate_refs', []))


def line_text(state: StateBlock, line: int) -> str:
    """A line as the rule at the current nesting sees it (container markers taken off)."""
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt('commonmark', {'maxNesting': 10 * MAX_LEVEL})
    md.enable('table')
    footnote_plugin(md, inline=False, move_to_end=False)
    deflist_plugin(md)
    md.block.ruler.before('fence', 'fenced_div', _fenced_div,
                          {'alt': ['paragraph', 'reference', 'blockquote', 'list']})
    # Only the block structure: no inline parsing, and the source left as written (the
    # 'normalize' rule would turn NUL into U+FFFD; newlines are normalised before).
    md.core.ruler.disable(['normalize', 'inline', 'text_join'])
    # Destinations of link reference definitions are kept as written (backslash escapes
    # and entities decoded), not percent-encoded, and none is refused here: links go to
    # Python-Markdown as before, and the sanitiser warns about a refused scheme.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    for name in CONTAINER_RULES:
        _wrap(md, name, _bounded)
    _wrap(md, 'table', _keep_lines)
    _wrap(md, 'html_block', _html_block_ends)
    _wrap(md, 'list', _item_columns)
    _wrap(md, 'lheading', _no_heading_in_math)
    md.block.ruler.at('paragraph', _paragraph)
    return md


def _wrap(md: MarkdownIt, name: str, wrapper: Callable[[Rule], Rule]) -> None:
    rule = next(r for r in md.block.ruler.__rules__ if r.name == name)
    md.block.ruler.at(name, wrapper(rule.fn), {'alt': rule.alt})


def _bounded(rule: Rule) -> Rule:
    """A container rule that declines past MAX_LEVEL, or near the recursion limit."""
    def bounded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.level >= MAX_LEVEL or (state.level > 30 and _nearing_recursion_limit()):
            return False
        return rule(state, start, end, silent)
    return bounded


# CommonMark's HTML blocks of kinds 1 to 5 (a comment, <script>, <pre>, <style>, <textarea>,
# <?...?>, <!X...>, CDATA) run until their closer, or to the end of the document.
_ENDLESS_HTML = ((re.compile(r'<(?:script|pre|style|textarea)(?:\s|>|$)', re.IGNORECASE),
                  re.compile(r'</(?:script|pre|style|textarea)>', re.IGNORECASE)),
                 (re.compile(r'<!--'), re.compile(r'-->')),
                 (re.compile(r'<\?'), re.compile(r'\?>')),
                 (re.compile(r'<!\[CDATA\['), re.compile(r'\]\]>')),
                 (re.compile(r'<![A-Za-z]'), re.compile(r'>')))


def _html_block_ends(rule: Rule) -> Rule:
    """An HTML block that would run to the end of the file because its closer is missing (a
    pasted '<!-- draft' or '<pre>' never closed swallowed the rest of the chapter, headings
    included) ends at its first blank line instead, as other HTML blocks do (render/balance.py
    closes what it opened there, and warns)."""
    def ending(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent or not rule(state, start, end, silent):
            return silent and rule(state, start, end, silent)
        token = state.tokens[-1]
        if state.line < end or token.type != 'html_block':
            return True
        first = line_text(state, start)
        for opener, closer in _ENDLESS_HTML:
            found = opener.match(first)
            if found is None:
                continue
            if closer.search(token.content, found.end()):
                return True
            blank = next((line for line in range(start + 1, end) if state.isEmpty(line)), None)
            if blank is None:
                return True
            state.line = blank
            token.map = [start, blank]
            token.content = state.getLines(start, blank, state.blkIndent, True)
            return True
        return True
    return ending


def _nearing_recursion_limit() -> bool:
    depth, frame = 0, sys._getframe()
    while frame is not None and depth < sys.getrecursionlimit():
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return sys.getrecursionlimit() - depth < 150


def _keep_lines(rule: Rule) -> Rule:
    """A leaf rule whose first token keeps its lines as the container holds them."""
    def keeping(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if not silent and len(state.tokens) > count:
            first = state.tokens[count]
            first.meta = {**(first.meta or {}),
                          'lines': state.getLines(start, state.line, state.blkIndent, False).split('\n')}
        return True
    return keeping


def display_math(text: str) -> int:
    """How many ``$$`` a line holds (an odd count opens or closes pandoc display math)."""
    return len(_DISPLAY_MATH.findall(text))


def _paragraph(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's paragraph, but display math (``$$`` ... ``$$``, pandoc's, which may
    span lines) is never cut by a line inside it that looks like a list item or a heading
    (``+ x``, ``= y``, ``# z``): pandoc reads TeX there, and so does make-book."""
    terminators = state.md.block.ruler.getRules('paragraph')
    end, parent = state.lineMax, state.parentType
    state.parentType = 'paragraph'
    in_math = display_math(line_text(state, start)) % 2 == 1
    line = start + 1
    while line < end and not state.isEmpty(line):
        # (markdown-it's own checks: a line indented 4 past the content, or a blockquote's
        # lazy line, continues the paragraph whatever it holds)
        if not in_math and state.sCount[line] - state.blkIndent <= 3 and state.sCount[line] >= 0 \
                and any(rule(state, line, end, True) for rule in terminators):
            break
        in_math ^= display_math(line_text(state, line)) % 2 == 1
        line += 1
    state.line = line
    token = state.push('paragraph_open', 'p', 1)
    token.map = [start, line]
    token = state.push('inline', '', 0)
    token.content = state.getLines(start, line, state.blkIndent, False).strip()
    token.map = [start, line]
    token.children = []
    state.push('paragraph_close', 'p', -1)
    state.parentType = parent
    return True


def _no_heading_in_math(rule: Rule) -> Rule:
    """A setext heading rule that lets a paragraph be when its '=' or '-' line is TeX."""
    def declining(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if len(state.tokens) > count + 1 and display_math(state.tokens[count + 1].content) % 2:
            del state.tokens[count:]
            state.line = start
            return False
        return True
    return declining


def _item_columns(rule: Rule) -> Rule:
    """A list rule whose items keep where their marker stands in the container and how
    wide marker and spaces are (the content column is their sum), for the writer's
    reading of Python-Markdown's 4-space manuscripts."""
    def measuring(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if silent or len(state.tokens) <= count:
            return True
        level = state.tokens[count].level + 1
        for token in state.tokens[count:]:
            if token.type == 'list_item_open' and token.level == level and token.map:
                line = token.map[0]
                text = line_text(state, line)
                marker = len(token.info) + 1 if token.info else 1
                after = text[marker:]
                spaces = len(after.expandtabs(4)) - len(after.lstrip(' \t').expandtabs(4))
                if not after.strip() or spaces > 4:
                    spaces = 1
                token.meta = {**(token.meta or {}), 'column': state.sCount[line], 'line': line,
                              'width': marker + spaces}
        return True
    return measuring


def _fenced_div(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``::: {attrs}`` ... ``:::``: the innermost open div is the one a closing line closes."""
    if state.is_code_block(start):
        return False
    opener = line_text(state, start)
    if not OPEN_RE.match(opener):
        return False
    if silent:
        return True
    close, stop = _div_end(state, start + 1, end)
    token = state.push('fenced_div_open', 'div', 1)
    token.map = [start, close + 1 if close is not None else stop]
    token.meta = {'opener': opener.strip(), 'closed': close is not None}
    # Like a block quote: the content ends where the div does, even for a paragraph
    # (markdown-it's paragraph rule reads up to lineMax).
    line_max, state.lineMax = state.lineMax, close if close is not None else stop
    state.md.block.tokenize(state, start + 1, state.lineMax)
    state.lineMax = line_max
    state.push('fenced_div_close', 'div', -1)
    state.line = close + 1 if close is not None else stop
    return True


def _div_end(state: StateBlock, first: int, end: int) -> tuple[int | None, int]:
    """(the closing line or None, the line the div's content stops before)."""
    depth, fence = 1, ''
    for line in range(first, end):
        text = line_text(state, line)
        if text.strip() and state.sCount[line] < state.blkIndent:
            return None, line  # the container the div is in ends here
        if state.sCount[line] - state.blkIndent >= 4:
            continue
        fenced = _FENCE.match(text)
        if fence:
            if fenced and fenced.group('fence')[0] == fence[0] and len(fenced.group('fence')) >= len(fence) \
                    and not fenced.group('info').strip():
                fence = ''
            continue
        if fenced and not (fenced.group('fence')[0] == '`' and '`' in fenced.group('info')):
            fence = fenced.group('fence')
        elif CLOSE_RE.match(text):
            depth -= 1
            if depth == 0:
                return line, line
        elif OPEN_RE.match(text):
            depth += 1
    return None, end
