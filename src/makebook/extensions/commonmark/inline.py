"""Python-Markdown's inline reading brought to CommonMark's where a book's text changes.

* Links: CommonMark's destination and title grammar (``(title)`` in parentheses, no
  space in a bare destination, ``<...>`` for one that has spaces); a link never holds
  another link, and raw HTML or an autolink that starts inside the brackets wins over
  them. Reference labels match as CommonMark matches them (case-folded, whitespace
  collapsed, backslashes kept; the reader keeps the first definition of a label).
* Images: the alt text is the description's plain text (``![A *big* cat]`` has the alt
  "A big cat"); the description, read as Markdown, stays on the image until the
  figures extension has made its caption of it, then goes.
* Code spans: one space is stripped from each side only when both sides have one.
* A backslash at the end of a line is a hard line break.
* Autolinks (``<scheme:...>``, ``<address@example.com>``), raw inline HTML and entity
  references follow CommonMark's grammars; an escaped ``\\&`` stays an ampersand.
"""

from __future__ import annotations

import bisect
import collections
import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from markdown import Markdown, util
from markdown.inlinepatterns import (
    BACKTICK_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
    SubstituteTagInlineProcessor,
)
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor
from markdown_it.common import html_re
from markdown_it.common.utils import normalizeReference

from makebook import codes
from makebook.extensions import InlineResult, warn
from makebook.extensions.commonmark import emphasis

_LABEL = re.compile(r'\[((?:[^\[\]\\]|\\.){0,999})\]', re.DOTALL)
_ESCAPED = re.compile(f'{util.STX}(\\d+){util.ETX}')  # Python-Markdown's stand-in for '\X'
_SPACE = ' \t\n'
# CommonMark's raw HTML (open and closing tags, comments, processing instructions,
# declarations, CDATA), from markdown-it-py.
HTML_RE = ('(?<!\\\\)((?:' + '|'.join([html_re.open_tag, html_re.close_tag, html_re.comment,
                                          html_re.processing, html_re.declaration, html_re.cdata]) + '))')
URI_AUTOLINK_RE = r'(?<!\\)<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\x00-\x20]*)>'
_DOMAIN_PART = r'[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?'
EMAIL_AUTOLINK_RE = (r'(?<!\\)<([a-zA-Z0-9.!#$%&\'*+/=?^_`{|}~-]+@' + _DOMAIN_PART
                     + r'(?:\.' + _DOMAIN_PART + r')*)>')
ENTITY_RE = r'(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)'
_VALID_ENTITY = re.compile(r'&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});')
HARD_BREAK_RE = r'\\\n(?=[^\n])'
# '(my file.png)', '(a b "title")': a destination with a space, which CommonMark refuses.
_SPACED_DESTINATION = re.compile(r'\([ \t]*(?P<href>[^\s()<>"\']+(?:[ \t]+[^\s()<>"\']+)+)[ \t]*'
                                 r'(?P<title>"[^"\n]*"|\'[^\'\n]*\')?[ \t]*\)')


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + '…'


def raw(text: str) -> str:
    """Text with Python-Markdown's escape stand-ins written back as the backslashes they were."""
    return _ESCAPED.sub(lambda m: '\\' + chr(int(m.group(1))), text)


# ---------------------------------------------------------------- link destinations

def _skip_space(data: str, index: int) -> int:
    """Past spaces and tabs and at most one line ending."""
    newline = False
    while index < len(data) and data[index] in _SPACE:
        if data[index] == '\n':
            if newline:
                break
            newline = True
        index += 1
    return index


def _destination(data: str, index: int) -> tuple[str, int] | None:
    if data.startswith('<', index):
        end = index + 1
        while end < len(data) and data[end] not in '<>\n':
            end += 1
        return (data[index + 1:end], end + 1) if data.startswith('>', end) else None
    end, depth = index, 0
    while end < len(data):
        char = data[end]
        if char in ' \t\n' or (ord(char) < 0x20 and char not in (util.STX, util.ETX)) or char == '\x7f':
            break
        if char == '(':
            depth += 1
        elif char == ')':
            if depth == 0:
                break
            depth -= 1
        end += 1
    if depth or end == index:
        return None
    return data[index:end], end


def _title(data: str, index: int) -> tuple[str, int] | None:
    closing = {'"': '"', "'": "'", '(': ')'}.get(data[index:index + 1])
    if closing is None:
        return None
    end = index + 1
    while end < len(data) and data[end] != closing:
        if closing == ')' and data[end] == '(':
            return None
        if data.startswith('\n\n', end) or re.match(r'\n[ \t]*\n', data[end:end + 40]):
            return None  # a title may not hold a blank line
        end += 1
    return (data[index + 1:end], end + 1) if end < len(data) else None


def get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
    """CommonMark's ``(destination "title")`` starting at ``index``: href, title, end, found."""
    if not data.startswith('(', index):
        return '', None, index, False
    position = _skip_space(data, index + 1)
    if data.startswith(')', position):
        return '', None, position + 1, True
    found = _destination(data, position)
    if found is None:
        return '', None, index, False
    href, position = found
    title = None
    after = _skip_space(data, position)
    if after > position:
        titled = _title(data, after)
        if titled is not None:
            title, position = titled
            position = _skip_space(data, position)
        else:
            position = after
    if not data.startswith(')', position):
        return '', None, index, False
    return href, title, position + 1, True


def lenient_link(data: str, index: int) -> tuple[str, str | None, int] | None:
    """``(my map.png)`` or ``(my map.png "title")``: an address with spaces, which pandoc and
    Python-Markdown read as one and CommonMark does not (make-book reads it, and warns)."""
    found = _SPACED_DESTINATION.match(data, index)
    if found is None:
        return None
    title = found.group('title')
    return found.group('href'), title[1:-1] if title else None, found.end(0)


class _Table:
    """The pairs of one text (its ``base``), and how the texts asked about relate to it."""

    __slots__ = ('base', 'pairs', 'views')

    # The texts a table remembers how it relates to: a link's own text ('[x]') is asked about
    # between two questions about its paragraph, which must not be compared with the base
    # again each time (once per link, the paragraph's length each: quadratic).
    VIEWS = 4

    def __init__(self, base: str, pairs: dict[int, int]) -> None:
        self.base, self.pairs = base, pairs
        # id(text) -> (the text, from where on it is the base's, shifted by the lengths' difference)
        self.views: dict[int, tuple[str, int]] = {id(base): (base, 0)}

    def same_from(self, text: str) -> int:
        view = self.views.get(id(text))
        return view[1] if view is not None and view[0] is text else len(text) + 1

    def remember(self, text: str, same_from: int) -> None:
        self.views.pop(id(text), None)
        self.views[id(text)] = (text, same_from)
        while len(self.views) > self.VIEWS:
            del self.views[next(iter(self.views))]


class Pairs:
    """Where the ``]`` that closes each ``[`` of a text is (or the ``)`` of each ``(``).

    Python-Markdown finds it by scanning forward from each ``[`` (getText): with no ``]``,
    every ``[`` of a paragraph scanned to its end (a 20 kB line of ``[`` took a minute).
    Here one pass pairs them all (the pairs are what the scan finds: the first ``]`` where
    the count of open ones is 0). Python-Markdown rewrites the text after each link it
    makes (the link becomes a placeholder) and reads on after it; what a ``[`` pairs with
    depends only on the text after it, so a table stays good, shifted, for the rest of
    the text while that rest is unchanged (checked), and a paragraph of many links is
    paired once, not once per link. The last few tables are kept: the text of each link
    is read in between (``[[x]](y)``: its ``[x]``), and with one table kept, the paragraph
    was paired again after every link (quadratic: 4,000 such links took 29 CPU s).
    """

    KEEP = 4

    def __init__(self, pattern: re.Pattern[str] | None = None, opening: str = '[') -> None:
        self._pattern, self._opening = pattern or _BRACKET, opening
        self._tables: list[_Table] = []  # the most recently used first

    def closing(self, text: str, opening: int) -> int:
        """Where the character closing the one at ``opening`` is, or -1."""
        table = self._table_for(text, opening)
        shift = len(text) - len(table.base)  # the text's positions minus the base's
        close = table.pairs.get(opening - shift, -1)
        return close + shift if close >= 0 else -1

    def _table_for(self, text: str, opening: int) -> _Table:
        """A kept table that holds ``text`` from ``opening`` on, or a new one."""
        for index, table in enumerate(self._tables):
            start = opening - (len(text) - len(table.base))
            same_from = table.same_from(text)
            if opening >= same_from or (start >= 0 and text[opening:] == table.base[start:]):
                table.remember(text, min(same_from, opening))
                self._tables.insert(0, self._tables.pop(index))
                return table
        table = _Table(text, self._pair(text))
        self._tables = [table, *self._tables[:self.KEEP - 1]]
        return table

    def _pair(self, text: str) -> dict[int, int]:
        table: dict[int, int] = {}
        waiting: list[int] = []
        for found in self._pattern.finditer(text):
            if found.group() == self._opening:
                waiting.append(found.start())
            elif waiting:
                table[waiting.pop()] = found.start()
        return table


_BRACKET = re.compile(r'[\[\]]')
_PAREN = re.compile(r'[()]')
# A '(' nothing closes can still start a link when a title or <...> holds its ')': looked
# for this far only.
UNPAIRED_WINDOW = 1000
# CommonMark: a link label holds at most 999 characters.
MAX_LABEL = 999


class _LinearText:
    """Python-Markdown's getText without its scan (see :class:`Brackets`)."""

    md: Markdown

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        brackets: Pairs = self.md.__dict__.setdefault('makebook_brackets', Pairs())
        close = brackets.closing(data, index - 1) if index > 0 and data[index - 1] == '[' else -1
        if close < 0:
            return '', len(data), False
        return data[index:close], close + 1, True


class _CommonMarkLink(_LinearText, LinkInlineProcessor):
    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        window = data[index:self._window_end(data, index)]  # positions below are in the window
        href, title, end, found = get_link(window, 0)
        if not found and not self._is_reference() and (lenient := lenient_link(window, 0)) is not None:
            href, title, end = lenient
            found = True
            what = 'an image' if isinstance(self, ImageInlineProcessor) else 'a link'
            warn(self.md, codes.LINK_WITH_SPACE, f"'({_short(raw(self.unescape(href)))})' is read as {what} "
                 'to an address with a space, as pandoc reads it; CommonMark readers (GitHub, mdBook) '
                 'show it as text: write the address in <...>', '](' + raw(self.unescape(href)).split()[0])
        if found and self._holds_markup(href):
            return '', None, index, False  # raw HTML or code was read there first
        if title is not None:
            title = self.unescape(title)
        return self.unescape(href), title, index + end, found

    def _window_end(self, data: str, index: int) -> int:
        """How far a link's address and title are looked for: to the ')' that closes its '(',
        or not far when nothing closes it (each '(' read to the end of a paragraph of many
        was quadratic)."""
        parens: Pairs = self.md.__dict__.setdefault('makebook_parens', Pairs(_PAREN, '('))
        close = parens.closing(data, index) if data.startswith('(', index) else -1
        if close >= 0 and all(data.find(c, index, close) < 0 for c in '"\'<'):
            return close + 1  # no title or <...> that could hold a ')'
        return min(len(data), max(close + 1, index + UNPAIRED_WINDOW))

    # The [text] being read: a defined reference label wins over a spaced address (CommonMark).
    link_text = ''

    def _is_reference(self) -> bool:
        return normalizeReference(raw(self.unescape(self.link_text))) in self.md.references

    def _holds_markup(self, href: str) -> bool:
        stash = self.md.treeprocessors['inline'].stashed_nodes  # type: ignore[attr-defined]
        for found in util.INLINE_PLACEHOLDER_RE.finditer(href):
            value = stash.get(found.group(1))
            if not isinstance(value, str) or util.HTML_PLACEHOLDER_RE.search(value):
                return True
        return False

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        text, index, handled = self.getText(data, m.end(0))
        if not handled or not data.startswith('(', index):
            return None, None, None  # no link here: the costly checks below only for a link
        if _overtaken(data, m.end(0), index - 1):
            return None, None, None
        if not isinstance(self, ImageInlineProcessor) and contains_link(self, text):
            return None, None, None
        self.link_text = text
        element, start, end = super().handleMatch(m, data)
        if isinstance(element, ET.Element) and not isinstance(self, ImageInlineProcessor):
            _bracket_links(self.md).add(id(element))
        return element, start, end


class CommonMarkLink(_CommonMarkLink):
    pass


class CommonMarkImage(_CommonMarkLink, ImageInlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        image, start, end = super().handleMatch(m, data)
        if isinstance(image, ET.Element):
            image.text = self.getText(data, m.end(0))[0]  # read as Markdown, for the alt text
        return image, start, end


def _overtaken(data: str, start: int, close: int) -> bool:
    """Whether raw HTML or an autolink starting inside ``[...]`` runs past its ``]``."""
    position = data.find('<', start, close)
    while position >= 0:
        for pattern in (_HTML, _URI_AUTOLINK, _EMAIL_AUTOLINK):
            found = pattern.match(data, position)
            if found and found.end() > close:
                return True
        position = data.find('<', position + 1, close)
    return False


def _inside_tag(data: str, position: int) -> bool:
    """Whether raw HTML or an autolink starting before ``position`` runs past it."""
    start = data.rfind('<', 0, position)
    while start >= 0 and position - start < _TAG_REACH:
        if _tag_holds(data, start, position):
            return True
        start = data.rfind('<', 0, start)
    return False


def _tag_holds(data: str, start: int, position: int) -> bool:
    """Whether raw HTML or an autolink starting at ``start`` runs past ``position``."""
    for pattern in (_HTML, _URI_AUTOLINK, _EMAIL_AUTOLINK):
        found = pattern.match(data, start)
        if found and found.end() > position:
            return True
    return False


# How far before a code span a tag that holds it is looked for.
_TAG_REACH = 2000


_HTML = re.compile(HTML_RE)
# What opens a comment, processing instruction, CDATA section or declaration (markdown-it's
# html_re), the end it needs, and how far past the '<' that end can begin at the earliest
# ('<!-->' and '<??>' are whole); the longer openers first.
_HTML_ENDS = (('<!--', '-->', 2), ('<![CDATA[', ']]>', 9), ('<!', '>', 2), ('<?', '?>', 2))
_URI_AUTOLINK = re.compile(URI_AUTOLINK_RE)
_EMAIL_AUTOLINK = re.compile(EMAIL_AUTOLINK_RE)


def contains_link(processor: InlineProcessor, text: str) -> bool:
    """Whether a link's text holds a link of its own (CommonMark: the inner one wins)."""
    pairs = Pairs()
    for found in _BRACKET.finditer(text):
        start = found.start()
        if found.group() != '[' or (start and text[start - 1] == '!'):
            continue
        close = pairs.closing(text, start)
        if close < 0:
            continue
        end = close + 1
        if get_link(text[end:end + UNPAIRED_WINDOW], 0)[3]:
            return True
        following = _LABEL.match(text, end)
        label = following.group(1) if following and following.group(1) else text[start + 1:close]
        if len(label) <= MAX_LABEL and normalizeReference(raw(processor.unescape(label))) in \
                processor.md.references:
            return True
    return False


# ---------------------------------------------------------------- references

class _CommonMarkLabels(_LinearText, ReferenceInlineProcessor):
    """``[text][label]`` and ``[text][]``, labels normalised as CommonMark does."""

    RE_LINK = _LABEL

    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:
        match = self.RE_LINK.match(data, pos=index)
        if not match:
            return None, index, False
        return normalizeReference(raw(self.unescape(match.group(1) or text))), match.end(0), True

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        text, index, handled = self.getText(data, m.end(0))
        if not handled:
            return None, None, None
        if self.shortcut and (_LABEL.match(data, index) or self._bracket_link_at(data, index)):
            return None, None, None  # '[foo][bar]': a shortcut is never followed by a label
        if self.shortcut and len(text) > MAX_LABEL:
            return None, None, None  # no label is that long (and reading it for every '[' is quadratic)
        element, start, end = super().handleMatch(m, data)
        if element is None:
            # No link here: the next '[' may start one ('[foo][bar][baz]' links '[bar][baz]').
            return None, None, None
        # Only for a link found (each check reads the whole text: for every '[' it would be quadratic).
        if _overtaken(data, m.end(0), index - 1) or (
                not isinstance(self, ImageReferenceInlineProcessor) and contains_link(self, text)):
            return None, None, None
        if isinstance(element, ET.Element) and element.tag == 'img':
            element.text = text
        elif isinstance(element, ET.Element):
            _bracket_links(self.md).add(id(element))
        return element, start, end

    def _bracket_link_at(self, data: str, index: int) -> bool:
        """Whether a link read earlier from '[...]' stands at ``index``: its label followed
        this shortcut ('[foo][bar][baz]': '[bar][baz]' is read first, and '[foo]' stays text)."""
        found = util.INLINE_PLACEHOLDER_RE.match(data, index)
        if found is None:
            return False
        stash = self.md.treeprocessors['inline'].stashed_nodes  # type: ignore[attr-defined]
        return id(stash.get(found.group(1))) in _bracket_links(self.md)

    shortcut = False  # '[label]' alone, not '[text][label]' or '[text][]'


class CommonMarkReference(_CommonMarkLabels):
    pass


class CommonMarkImageReference(_CommonMarkLabels, ImageReferenceInlineProcessor):
    pass


class CommonMarkShortReference(_CommonMarkLabels, ShortReferenceInlineProcessor):
    shortcut = True

    def evalId(self, data: str, index: int, text: str) -> tuple[str, int, bool]:
        return normalizeReference(raw(self.unescape(text))), index, True


class CommonMarkShortImageReference(_CommonMarkLabels, ShortImageReferenceInlineProcessor):
    shortcut = True

    def evalId(self, data: str, index: int, text: str) -> tuple[str, int, bool]:
        return normalizeReference(raw(self.unescape(text))), index, True


def _bracket_links(md: Markdown) -> set[int]:
    """The links of this conversion read from '[text]' (not images), by id: the stash keeps
    them alive until the inline pass ends, so an id names one element."""
    links: set[int] | None = getattr(md, 'makebook_bracket_links', None)
    if links is None:
        links = set()
        md.makebook_bracket_links = links  # type: ignore[attr-defined]
    return links


# ---------------------------------------------------------------- the rest

class CodeSpan(BacktickInlineProcessor):
    """A run of n backticks closes only at the next run of exactly n; unclosed, it is text.
    Raw HTML or an autolink that starts before the backticks and holds them wins."""

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        return self.handle(m, data, _inside_tag)

    def handle(self, m: re.Match[str], data: str, inside_tag: Callable[[str, int], bool]) -> InlineResult:
        """``handleMatch``, with ``inside_tag`` saying whether a tag before a position runs past
        it (in one pass over a text, as it would in the text rebuilt after each match)."""
        if m.group(1):
            return super().handleMatch(m, data)
        begin = opened = m.start(0)
        if inside_tag(data, begin):
            return None, begin, begin + 1
        while opened < len(data) and data[opened] == '`':
            opened += 1
        position = opened
        while position < len(data):
            if data[position] != '`':
                position += 1
                continue
            run = position
            while position < len(data) and data[position] == '`':
                position += 1
            if position - run == opened - begin:
                code = ET.Element(self.tag)
                code.text = util.AtomicString(util.code_escape(_code_text(data[opened:run])))
                return code, begin, position
        return None, begin, opened


def _code_text(text: str) -> str:
    text = text.replace('\n', ' ')
    if text.startswith(' ') and text.endswith(' ') and text.strip(' '):
        return text[1:-1]
    return text


class Autolink(InlineProcessor):
    def __init__(self, pattern: str, md: Markdown, mail: bool) -> None:
        super().__init__(pattern, md)
        self.mail = mail

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        link = ET.Element('a')
        address = m.group(1)
        link.set('href', ('mailto:' if self.mail else '') + address)
        link.text = util.AtomicString(address)
        return link, m.start(0), m.end(0)


class RawHtml(HtmlInlineProcessor):
    """CommonMark's inline raw HTML, except the ``<destination>`` of a link."""

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        # The '(' of a link just before, with only blanks between: found by walking back over
        # the blanks (not data.rfind('('), which read the whole paragraph back for each tag).
        paren = m.start(0) - 1 - _blanks_before(data, m.start(0))
        if paren > 0 and data[paren] == '(' and data[paren - 1] == ']' and get_link(data, paren)[3]:
            return None, m.start(0), m.start(0) + 1
        return super().handleMatch(m, data)


class _RawHtmlSearch:
    """``regex.search(data, scan)`` for raw HTML, the same matches, without trying the places
    where nothing can end: an unclosed ``<!--`` (or ``<?``, ``<![CDATA[``) was read to the end
    of the text from each start, so a paragraph of them was quadratic (10,000 ``x <!-- a``:
    32 CPU s). Every form ends with a ``>``, and each of those three with its own closing
    string, which must come after its opening."""

    def __init__(self, regex: re.Pattern[str], data: str) -> None:
        self._regex, self._data = regex, data
        self._last = {end: data.rfind(end) for end in ('>', '-->', '?>', ']]>')}

    def search(self, scan: int) -> re.Match[str] | None:
        data = self._data
        position = data.find('<', scan)
        while 0 <= position <= self._last['>']:
            if not self._hopeless(position) and (found := self._regex.match(data, position)) is not None:
                return found
            position = data.find('<', position + 1)
        return None

    def _hopeless(self, position: int) -> bool:
        """Whether the comment, instruction or CDATA opening at ``position`` has no closing after it
        (the regular expression would read to the end to find that out)."""
        data, last = self._data, self._last
        if data.startswith('<!--', position):
            return last['-->'] < position + 4 and not data.startswith(('<!-->', '<!--->'), position)
        if data.startswith('<?', position):
            return last['?>'] < position + 2
        if data.startswith('<![CDATA[', position):
            return last[']]>'] < position + 9
        return False


def _blanks_before(data: str, end: int) -> int:
    """How many spaces, tabs and newlines come just before ``end``."""
    start = end
    while start > 0 and data[start - 1] in ' \t\n':
        start -= 1
    return end - start


class Entity(HtmlInlineProcessor):
    """A character reference HTML knows stays one; anything else is text (its '&' escaped)."""

    def handleMatch(self, m: re.Match[str], data: str) -> InlineResult:  # type: ignore[override]
        reference = m.group(1)
        if (reference[1] == '#' and _VALID_ENTITY.fullmatch(reference)) or \
                reference[1:] in html.entities.html5:
            return super().handleMatch(m, data)
        return util.AMP_SUBSTITUTE + 'amp;' + reference[1:], m.start(0), m.end(0)


class Unescape(UnescapeTreeprocessor):
    """An escaped '&' must not make an entity of what follows it (``\\&ouml;``)."""

    def _unescape(self, m: re.Match[str]) -> str:
        char = chr(int(m.group(1)))
        return util.AMP_SUBSTITUTE + 'amp;' if char == '&' else char


class ImageAlt(Treeprocessor):
    """An image's alt text is its description's plain text; the description stays on the
    image (for a figure's caption) until ImageContent removes it."""

    def run(self, root: ET.Element) -> None:
        for image in root.iter('img'):
            if image.text or len(image):
                text = ''.join(image.itertext())
                text = util.HTML_PLACEHOLDER_RE.sub('', util.INLINE_PLACEHOLDER_RE.sub('', text))
                image.set('alt', text)


class ImageContent(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for image in root.iter('img'):
            image.text = None
            for child in list(image):
                image.remove(child)


# What a text must hold for each inline pattern (by its registry name) to match in it at all:
# one of these strings, which every match (or its lookahead) contains. A text holding none
# of them is not searched (most texts hold no '`', '<', '$', '[' or '\\'): a search that
# cannot match costs only time, so skipping it changes nothing. A pattern not named here
# is always searched. tests/unit/render/test_conversion_fast_paths.py checks each entry
# against its pattern on every fixture book's text.
TRIGGERS: dict[str, tuple[str, ...]] = {
    'raw_inline': ('{=',), 'backtick': ('`',), 'autolink': ('<',), 'automail': ('<',),
    'math_display': ('$$',), 'math_inline': ('$',), 'html': ('<',),
    'backslash_break': ('\\\n',), 'escape_nbsp': ('\\ ',), 'escape': ('\\',),
    'footnote': ('[^',), 'span': (']{',), 'reference': ('[',), 'link': ('[',),
    'image_link': ('![',), 'image_reference': ('![',), 'short_reference': ('[',),
    'short_image_ref': ('![',), 'image_link_nested': ('![',), 'xref': ('@',),
    'linebreak': ('  \n',), 'entity': ('&',), 'strike': ('~~',), 'superscript': ('^',),
    'subscript': ('~',), 'delimiter': ('*', '_'),
    # smarty's dashes, ellipses and straight quotes (its own inline processor)
    'smarty-em-dashes': ('---',), 'smarty-en-dashes': ('--',), 'smarty-ellipses': ('...',),
    **{f'smarty-quotes-{n}': ("'",) for n in (0, 6, 7, 8, 9, 10)},
    **{f'smarty-quotes-{n}': ('"',) for n in (1, 11, 12, 13, 14)},
    'smarty-quotes-2': ('"\'',), 'smarty-quotes-3': ('\'"',), 'smarty-quotes-4': ('\'"',),
    'smarty-quotes-5': ('"\'',),
}


class PatternPlan:
    """A registry's patterns in the order they are tried, each with its :data:`TRIGGERS`, and
    for a text the patterns worth searching in it: those whose triggers it holds, and those
    with none. Texts hold few distinct sets of triggers (most none, or only '.' and "'"), so
    the patterns for each set are worked out once."""

    def __init__(self, registry: util.Registry[Any]) -> None:
        self.patterns = list(registry)
        self.signature = tuple(map(id, self.patterns))
        triggers: list[tuple[str, ...] | None] = [None] * len(self.patterns)
        for name, needed in TRIGGERS.items():
            if name in registry:
                triggers[registry.get_index_for_name(name)] = needed
        self.triggers = triggers
        self._strings = tuple(sorted({t for needed in triggers if needed is not None for t in needed}))
        self._worth: dict[frozenset[str], tuple[int, ...]] = {}

    def worth_searching(self, data: str) -> tuple[int, ...]:
        """The indexes, in order, of the patterns that may match in ``data``."""
        held = frozenset(string for string in self._strings if string in data)
        found = self._worth.get(held)
        if found is None:
            if len(self._worth) > 4096:  # texts made to hold every combination: start again
                self._worth.clear()
            found = self._worth[held] = tuple(index for index, needed in enumerate(self.triggers)
                                              if needed is None or not held.isdisjoint(needed))
        return found


class LinearInline(InlineTreeprocessor):
    """Python-Markdown's inline tree processor, linear in the number of siblings.

    Its ``run`` finds each child's place again with ``list(parent).index(child)`` and takes
    its work from the front of a list: a list of 40,000 items took minutes. This is the
    same walk with the place counted and a deque (the same elements, in the same order).
    A pattern is not searched for in a text holding none of its :data:`TRIGGERS`.
    """

    _plan: PatternPlan | None = None
    # pymdownx's emphasis every match of a text in one pass (emphasis.py); off, one at a time as
    # Python-Markdown applies it (the unit test compares the two).
    emphasis_at_once = True
    # Code spans every match of a text at once (_Rebuilt); off, one at a time.
    code_spans_at_once = True

    def plan(self) -> PatternPlan:
        """This processor's :class:`PatternPlan`, made again if its patterns changed."""
        if self._plan is None or self._plan.signature != tuple(map(id, self.inlinePatterns)):
            self._plan = PatternPlan(self.inlinePatterns)
        return self._plan

    def _InlineProcessor__handleInline(self, data: str, index: int = 0) -> str:
        """Python-Markdown's ``__handleInline``: from pattern ``index`` on, each pattern in
        turn, again from where it matched until it matches no more; but only the patterns
        whose triggers the text holds (another's search would find nothing).

        The triggers are looked for once, in the text as it comes: a match only puts a
        placeholder (STX, letters, digits, ETX, in which no trigger is written) in place of
        what it matched, so the text never gains a trigger, and the patterns worth searching
        at the start stay a superset of those worth searching after any match (one more
        search each, that finds nothing, at worst). Looking again after each match read the
        whole text for every trigger: quadratic in the matches of one text ('[*'x5,000:
        3.2 of 4 CPU s)."""
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        plan = self._plan or self.plan()
        worth = plan.worth_searching(data)
        position = bisect.bisect_left(worth, index)
        start = 0
        while position < len(worth):
            index = worth[position]
            data, matched, start = apply(plan.patterns[index], data, index, start)
            if not matched:
                position += 1
        return data

    def _InlineProcessor__applyPattern(self, pattern: Any, data: str, pattern_index: int,
                                       start_index: int = 0) -> tuple[str, bool, int]:
        """Python-Markdown's ``__applyPattern``, but for raw HTML, entities, links, images,
        references and autolinks every match of the text at once: it rebuilt the whole text
        for each match (quadratic in the matches of one paragraph: 50,000 ``<span>`` took
        seconds, 80,000 links 77 s against 18 s for 40,000). Their handlers read the text
        from their match on (raw HTML and entities nothing before it but blanks); the
        matches before theirs, placeholders one at a time, are text here, which none of
        them reads. So each sees what it saw before, its element's text is read on as it
        was (from the next pattern), and the text comes out the same, placeholders and all."""
        if self.emphasis_at_once and emphasis.applies(pattern):
            if any(exclude.lower() in self.ancestors for exclude in pattern.ANCESTOR_EXCLUDES):
                return data, False, 0
            return emphasis.apply_at_once(pattern, data, start_index,
                                          lambda node: self._place(node, pattern, pattern_index)), False, 0
        if self.code_spans_at_once and isinstance(pattern, CodeSpan):
            if any(exclude.lower() in self.ancestors for exclude in pattern.ANCESTOR_EXCLUDES):
                return data, False, 0
            return self._code_spans(pattern, data, pattern_index, start_index), False, 0
        if not (isinstance(pattern, _AT_ONCE) or getattr(pattern, 'makebook_at_once', False)):
            return super()._InlineProcessor__applyPattern(  # type: ignore[misc, no-any-return]
                pattern, data, pattern_index, start_index)
        if any(exclude.lower() in self.ancestors for exclude in pattern.ANCESTOR_EXCLUDES):
            return data, False, 0
        stash = self._InlineProcessor__stashNode  # type: ignore[attr-defined]
        regex = pattern.getCompiledRegExp()
        search = _RawHtmlSearch(regex, data).search if isinstance(pattern, RawHtml) else \
            lambda scan: regex.search(data, scan)
        pieces: list[str] = []
        position = scan = start_index
        pieces.append(data[:start_index])
        after_own = getattr(pattern, 'makebook_after_own', False)
        while (match := search(scan)) is not None:
            if after_own and match.start() == position and len(pieces) > 1 \
                    and not _matches_after_placeholder(regex, match, data):
                scan = match.start() + 1
                continue
            node, start, end = pattern.handleMatch(match, data)
            if start is None or end is None:
                scan = max(match.end(0), scan + 1)
                continue
            if node is None:  # not this pattern's after all: look again from where it says
                scan = max(end, scan + 1)
                continue
            if start < position:  # (no handler here starts before its match)
                scan = max(match.end(0), scan + 1)
                continue
            if not isinstance(node, str) and not isinstance(node.text, util.AtomicString):
                self._read_on(node, pattern_index)
            pieces += [data[position:start], stash(node, pattern.type())]
            position = scan = end
        if len(pieces) == 1:
            return data, False, 0
        pieces.append(data[position:])
        return ''.join(pieces), False, 0

    def _code_spans(self, pattern: CodeSpan, data: str, pattern_index: int, start_index: int) -> str:
        """Every code span (and even run of backslashes before a backtick) of ``data`` from
        ``start_index`` on, each found and handled as when the text was rebuilt after each."""
        regex = pattern.getCompiledRegExp()
        rebuilt = _Rebuilt(data)
        scan = start_index
        while True:
            match = None
            if scan == rebuilt.position and rebuilt.starts and data[scan - 1] == '\\':
                match = _BACKTICK_AFTER_PLACEHOLDER.match(data, scan)
            if match is None and (match := regex.search(data, scan)) is None:
                break
            node, start, end = pattern.handle(match, data, rebuilt.inside_tag)
            if start is None or end is None:
                scan = max(match.end(0), scan + 1)
            elif node is None:
                scan = max(end, scan + 1)
            else:
                rebuilt.place(start, end, self._place(node, pattern, pattern_index))
                scan = end
        return rebuilt.text() if rebuilt.starts else data

    def _place(self, node: ET.Element | str, pattern: Any, pattern_index: int) -> str:
        """What ``__applyPattern`` does with what a pattern matched: its element read on, then
        stashed; the placeholder that stands for it in the text."""
        if not isinstance(node, str) and not isinstance(node.text, util.AtomicString):
            self._read_on(node, pattern_index)
        return self._InlineProcessor__stashNode(node, pattern.type())  # type: ignore[attr-defined, no-any-return]

    def _read_on(self, node: ET.Element, pattern_index: int) -> None:
        """What ``__applyPattern`` does with an element a pattern made: its text (and its
        children's) read by the patterns after this one, the tails from this one on."""
        handle = self._InlineProcessor__handleInline
        for child in [node, *list(node)]:
            if child.text:
                self.ancestors.append(child.tag.lower())
                child.text = handle(child.text, pattern_index + 1)
                self.ancestors.pop()
            if child.tail:
                child.tail = handle(child.tail, pattern_index)

    def _InlineProcessor__processPlaceholders(self, data: str | None, parent: ET.Element,
                                              is_text: bool = True) -> list[tuple[ET.Element, list[str]]]:
        """Python-Markdown's ``__processPlaceholders``, with the text between placeholders
        gathered and joined once for each place it goes: it added each piece to the element's
        text with ``+=``, copying all of it each time (quadratic in the raw tags of one text)."""
        find_placeholder = self._InlineProcessor__findPlaceholder  # type: ignore[attr-defined]
        element_text = self._InlineProcessor__processElementText  # type: ignore[attr-defined]
        prefix = self._InlineProcessor__placeholder_prefix  # type: ignore[attr-defined]
        result: list[tuple[ET.Element, list[str]]] = []
        pending: list[str] = []

        def flush() -> None:
            """The pending text into where linkText put it: the last result's tail, else the
            parent's tail or text (a lone piece as it is, keeping an AtomicString one)."""
            if not pending:
                return
            text = pending[0] if len(pending) == 1 else ''.join(pending)
            pending.clear()
            if result:
                target, attribute = result[-1][0], 'tail'
            else:
                target, attribute = parent, 'text' if is_text else 'tail'
            before = getattr(target, attribute)
            setattr(target, attribute, before + text if before else text)

        start = 0
        while data:
            index = data.find(prefix, start)
            if index == -1:
                text = data[start:]
                pending.append(util.AtomicString(text) if isinstance(data, util.AtomicString) else text)
                data = ''
                continue
            id_, end = find_placeholder(data, index)
            if id_ not in self.stashed_nodes:  # a wrong placeholder: kept as text
                pending.append(data[start:index + len(prefix)])
                start = index + len(prefix)
                continue
            node = self.stashed_nodes[id_]
            if index > 0 and data[start:index]:
                pending.append(data[start:index])
            if isinstance(node, str) or node is None:  # (a stashed node is never None)
                if node:
                    pending.append(node)
                start = end
                continue
            for child in [node, *list(node)]:
                if child.tail and child.tail.strip():
                    element_text(node, child, False)
                if child.text and child.text.strip():
                    element_text(child, child)
            flush()
            start = end
            result.append((node, self.ancestors[:]))
        flush()
        return result

    def run(self, tree: ET.Element, ancestors: list[str] | None = None) -> ET.Element:
        self.stashed_nodes = {}
        self.plan()
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack: collections.deque[tuple[ET.Element, list[str]]] = collections.deque([(tree, tree_parents)])
        self._InlineProcessor__build_ancestors(tree, tree_parents)  # type: ignore[attr-defined]
        handle = self._InlineProcessor__handleInline
        placeholders = self._InlineProcessor__processPlaceholders
        while stack:
            current, parents = stack.popleft()
            self.ancestors = parents
            if current is not tree:
                self.ancestors.append(current.tag.lower())
            queue = []
            index = 0
            while index < len(current):  # as 'for child in current', which sees what is inserted
                child = current[index]
                if child.text and not isinstance(child.text, util.AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text, child.text = child.text, None
                    found = placeholders(handle(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    stack.extend(found)
                    queue.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dummy = ET.Element('d')
                    child.tail = None
                    after = placeholders(tail, dummy, False)
                    if dummy.tail:
                        child.tail = dummy.tail
                    for new in reversed(after):
                        self.parent_map[new[0]] = current
                        current.insert(index + 1, new[0])
                if len(child):
                    self.parent_map[child] = current
                    stack.append((child, self.ancestors[:]))
                index += 1
            for element, found in queue:
                for position, item in enumerate(found):
                    element.insert(position, item[0])
        return tree


# The patterns LinearInline applies to every match of a text at once.
_AT_ONCE = (RawHtml, Entity, _CommonMarkLink, _CommonMarkLabels, Autolink)
# And smarty's dashes and ellipses: their matches cannot touch (each looks for no '-' or '.'
# on either side), so what each sees before it is the same as when the text was rebuilt
# after each one. Not its quotes: they look back for smarty's own placeholders.
_SMARTY_AT_ONCE = ('smarty-em-dashes', 'smarty-en-dashes', 'smarty-ellipses')
# And smarty's quotes: each looks back one character, and right after a quote it replaced it
# saw the end of that quote's placeholder (which none of them matches after), not the quote:
# a match there is tried again as it was (_matches_after_placeholder). 10,000 '"\'a' in a
# paragraph took 6.3 CPU s, and four times as many sixteen times as long.
_SMARTY_QUOTES_AT_ONCE = tuple(f'smarty-quotes-{n}' for n in range(15))
# How far a quote pattern reads on from its start (an entity before it, a decade's digits).
_QUOTE_WINDOW = 64


def _matches_after_placeholder(regex: re.Pattern[str], match: re.Match[str], data: str) -> bool:
    """Whether ``match`` (found in the text as it was) matches the same way where the text
    before it is the placeholder of the match just replaced, as the one-at-a-time search saw it."""
    start = match.start()
    # The match and what its pattern may look at after it (a quote's window; a longer match whole).
    again = regex.match(util.ETX + data[start:max(start + _QUOTE_WINDOW, match.end() + 8)], 1)
    return again is not None and again.end() - 1 == match.end() - start


# Code spans every match of a text at once too (`a` x 80,000 in a paragraph: 13.3 CPU s,
# exponent 1.64). Two things differ from the text rebuilt after each match:
# * the backtick pattern looks one character back ('(?<!\\)'): right after a match that ends
#   with a backslash (an even run of them, before a backtick) one at a time it saw the end of
#   that match's placeholder, so a backtick there opens a span; the pattern without its
#   look-backs is tried there first;
# * a span is not made where raw HTML or an autolink that starts before it runs past it
#   (_inside_tag), and that tag was matched in a text where the spans before were placeholders:
#   _Rebuilt answers as that text would, reading the text as it came where the two agree.
_BACKTICK_AFTER_PLACEHOLDER = re.compile(BACKTICK_RE.replace('(?<!\\\\)', ''))
# The characters that end what raw HTML can hold across a placeholder: a quoted attribute
# value ('"', "'"), a comment, processing instruction, declaration or CDATA (each ends with
# '>'; a span starts and ends with a backtick, so an end inside it is all inside it). A span
# without any of them reads as its placeholder does to the HTML pattern: read through by
# those, and by nothing else (a tag's name, attribute name or unquoted value runs over neither
# a control character nor a backtick; an unquoted value may take an even run of backslashes,
# but not the backtick after it, and nothing else may follow a value).
_OPAQUE = re.compile('["\'>]')
# How much of the text after the position a _Window holds first.
_WINDOW_AFTER = 64
# Ends that complete a tag cut anywhere after its name: in an attribute's name, the blanks
# around it or its '=', a value quoted or not, or after a '/'.
_CLOSERS = ('>', 'a>', '=a>', '">', "'>")


class _Rebuilt:
    """One pattern's pass over a text: the text as Python-Markdown would have rebuilt it so
    far (pieces of the text as it came and placeholders), and where its tags are."""

    def __init__(self, data: str) -> None:
        self.data = data
        self.pieces: list[str] = []
        self.position = 0  # data[position:] is not in the pieces yet
        self.length = 0  # of the pieces joined
        self.starts: list[int] = []  # where each match replaced began (in data)
        self.opaque = [0]  # how many of the matches before each held an _OPAQUE character
        self.tags: list[tuple[int, int]] = []  # each '<' in the pieces: in data, in the rebuilt text
        self.ends: dict[int, tuple[int, int]] = {}  # _ends, by the '<' (in data)
        self.last_ends: dict[str, int] = {}  # where each of _HTML_ENDS is last in data (-1: none)
        self.closed: set[int] = set()  # those that start raw HTML no later text completes (rebuilt)

    def place(self, start: int, end: int, placeholder: str) -> None:
        """``data[start:end]`` replaced by ``placeholder`` (after what was placed before)."""
        data, stretch = self.data, self.data[self.position:start]
        found = data.find('<', self.position, start)
        while found >= 0:
            self.tags.append((found, self.length + found - self.position))
            found = data.find('<', found + 1, start)
        self.pieces += [stretch, placeholder]
        self.length += len(stretch) + len(placeholder)
        self.starts.append(start)
        self.opaque.append(self.opaque[-1] + (_OPAQUE.search(data, start, end) is not None))
        self.position = end

    def text(self) -> str:
        return ''.join([*self.pieces, self.data[self.position:]])

    def inside_tag(self, data: str, position: int) -> bool:
        """:func:`_inside_tag` asked in the rebuilt text at ``position`` (in ``data``)."""
        # The '<'s after the last match: the rebuilt text reads as data from them on.
        low = max(self.position, position - _TAG_REACH + 1)
        start = data.rfind('<', low, position)
        while start >= 0:
            html, autolink = self._ends(start)
            if html > position or autolink > position:
                return True
            start = data.rfind('<', low, start)
        # Before it (a '<' inside a match is not in the rebuilt text). An autolink cannot
        # run past a placeholder. Raw HTML reads a placeholder as it reads a span with none
        # of _OPAQUE's characters, so with only such spans between it is asked in data.
        # So is a comment, processing instruction, declaration or CDATA: each ends at the
        # first of its ends ('>', '?>', ']]>'; a comment at the last '-->' before the first
        # it cannot read past) that is not inside a span, and one inside a span between
        # would have held that span (and the spans before it were placeholders then too):
        # that span would not be one. Only a tag's quoted value reads on past a '"' in a
        # span, where the placeholder hides it: that is asked in the rebuilt text (_Window).
        here = self.length + position - self.position
        window: _Window | None = None
        for start, rebuilt in reversed(self.tags):
            if here - rebuilt >= _TAG_REACH:
                break
            after = bisect.bisect_right(self.starts, start)  # the first match after the '<'
            if self.opaque[after] == self.opaque[-1] or data[start + 1:start + 2] in ('!', '?'):
                if self._ends(start)[0] > position:
                    return True
            elif rebuilt not in self.closed and self._may_hold_placeholder(start, self.starts[after]):
                window = window or _Window(self, position)
                if window.holds(rebuilt):
                    return True
        return False

    def _ends(self, start: int) -> tuple[int, int]:
        """Where raw HTML and an autolink starting at ``start`` end in data (-1: none there).
        Kept: the same for every span after it, and an unclosed comment reads to the text's end."""
        ends = self.ends.get(start)
        if ends is None:
            patterns = (_URI_AUTOLINK, _EMAIL_AUTOLINK) if self._never_ends(start) else (
                _HTML, _URI_AUTOLINK, _EMAIL_AUTOLINK)
            found = [pattern.match(self.data, start) for pattern in patterns]
            *html, uri, mail = (-1 if match is None else match.end() for match in found)
            ends = self.ends[start] = (html[0] if html else -1, max(uri, mail))
        return ends

    def _never_ends(self, start: int) -> bool:
        """Whether the comment, processing instruction, CDATA section or declaration starting at
        ``start`` has no end anywhere after it (then no HTML starts there, and _HTML would read
        to the text's end to say so, again from every such '<': the square of a paragraph of
        unclosed comments)."""
        for opener, closer, skip in _HTML_ENDS:
            if self.data.startswith(opener, start):
                last = self.last_ends.get(closer)
                if last is None:
                    last = self.last_ends[closer] = self.data.rfind(closer)
                return last < start + skip
        return False

    def _may_hold_placeholder(self, start: int, end: int) -> bool:
        """Whether a tag starting at ``start`` may read on past a placeholder at ``end``: only
        inside a quoted value (its name, attributes and unquoted values hold no control
        character)."""
        data = self.data
        second = data[start + 1:start + 2]
        return second.isascii() and second.isalpha() and (data.find('"', start, end) >= 0
                                                          or data.find("'", start, end) >= 0)


class _Window:
    """The rebuilt text around ``position`` (in data): the 2,001 characters before it, and
    after it a stretch of data, or all of it where a tag's answer depends on what follows."""

    def __init__(self, rebuilt: _Rebuilt, position: int) -> None:
        self.data, self.position, self.closed = rebuilt.data, position, rebuilt.closed
        need = _TAG_REACH + 1
        parts = [rebuilt.data[max(rebuilt.position, position - need):position]]
        size = len(parts[0])
        index = len(rebuilt.pieces) - 1
        while size < need and index >= 0:
            piece = rebuilt.pieces[index]
            if len(piece) > need - size:
                piece = piece[len(piece) - (need - size):]
            parts.append(piece)
            size += len(piece)
            index -= 1
        self.before = ''.join(reversed(parts))
        self.base = rebuilt.length + position - rebuilt.position - size  # its start, rebuilt

    def holds(self, rebuilt_start: int) -> bool:
        """Whether raw HTML starting at ``rebuilt_start`` (in the rebuilt text) runs past the
        position, as matched in the whole rebuilt text. The pattern is matched in the window;
        where it finds no such tag but a tag cut at the window's end could still become one
        (one of _CLOSERS completes it), in the window and all the text after it.
        A tag that no end completes at the position itself is closed for good: the rebuilt
        text before the position does not change, so it is not asked again (``closed``)."""
        low = max(rebuilt_start - self.base - 1, 0)  # (the pattern looks one character back)
        before = self.before[low:]
        start, here = rebuilt_start - self.base - low, len(before)
        if not _completed(before, start, here):
            self.closed.add(rebuilt_start)
            return False
        end = min(len(self.data), self.position + _WINDOW_AFTER)
        text = before + self.data[self.position:end]
        found = _HTML.match(text, start)
        if found and found.end() > here:
            return True
        if end == len(self.data) or not _completed(text, start, here):
            return False
        # Still open at the window's end (a quoted value that runs on): the rest of the text,
        # once, as one at a time read it.
        found = _HTML.match(before + self.data[self.position:], start)
        return found is not None and found.end() > here


def _completed(text: str, start: int, here: int) -> bool:
    """Whether raw HTML starting at ``start`` and cut at the end of ``text`` could still run
    past ``here``: whether one of _CLOSERS, put at the end, makes it do so."""
    return any((found := _HTML.match(text + closer, start)) is not None and found.end() > here
               for closer in _CLOSERS)


# And backslash escapes and hard line breaks ('\\*', '  \n', '\\\n'): a character or an
# empty <br> each, found without looking back (10,000 escapes in a paragraph: 30 CPU s).
_SIMPLE_AT_ONCE = ('escape', 'linebreak', 'backslash_break')


def register(md: Markdown) -> None:
    """Replace Python-Markdown's inline processors of the same names."""
    patterns = md.inlinePatterns
    patterns.register(CodeSpan(BACKTICK_RE), 'backtick', 190)
    patterns.register(CommonMarkReference(REFERENCE_RE, md), 'reference', 170)
    patterns.register(CommonMarkLink(LINK_RE, md), 'link', 160)
    patterns.register(CommonMarkImage(IMAGE_LINK_RE, md), 'image_link', 150)
    patterns.register(CommonMarkImageReference(IMAGE_REFERENCE_RE, md), 'image_reference', 140)
    patterns.register(CommonMarkShortReference(REFERENCE_RE, md), 'short_reference', 130)
    patterns.register(CommonMarkShortImageReference(IMAGE_REFERENCE_RE, md), 'short_image_ref', 125)
    # An image's description is read by the processors after 'image_link' only: an image
    # inside it ('![a ![b](b.png)](a.png)') needs this second reading, for its alt text ("a b").
    patterns.register(CommonMarkImage(IMAGE_LINK_RE, md), 'image_link_nested', 124)
    # Autolinks and raw HTML bind tighter than backslash escapes (none works inside them)
    # and line breaks (which may fall inside a tag's attributes).
    for name in ('autolink', 'automail'):
        patterns.deregister(name, strict=False)
    patterns.register(Autolink(URI_AUTOLINK_RE, md, mail=False), 'autolink', 189)
    patterns.register(Autolink(EMAIL_AUTOLINK_RE, md, mail=True), 'automail', 188)
    patterns.register(SubstituteTagInlineProcessor(HARD_BREAK_RE, 'br'), 'backslash_break', 182)
    patterns.register(RawHtml(HTML_RE, md), 'html', 184)
    patterns.register(Entity(ENTITY_RE, md), 'entity', 80)
    for name in _SIMPLE_AT_ONCE:  # each escape or break rebuilt the paragraph: quadratic in them
        if name in patterns:
            patterns[name].makebook_at_once = True  # type: ignore[attr-defined]
    md.treeprocessors.register(LinearInline(md), 'inline', 20)
    if 'smarty' in md.treeprocessors:  # smarty's quotes and dashes: an inline processor of its own
        smarty = LinearInline(md)
        smarty.inlinePatterns = md.treeprocessors['smarty'].inlinePatterns  # type: ignore[attr-defined]
        for name in _SMARTY_AT_ONCE:  # each '--' rebuilt the paragraph: quadratic in its dashes
            if name in smarty.inlinePatterns:
                smarty.inlinePatterns[name].makebook_at_once = True  # type: ignore[attr-defined]
        for name in _SMARTY_QUOTES_AT_ONCE:  # and each quote
            if name in smarty.inlinePatterns:
                smarty.inlinePatterns[name].makebook_at_once = True  # type: ignore[attr-defined]
                smarty.inlinePatterns[name].makebook_after_own = True  # type: ignore[attr-defined]
        md.treeprocessors.register(smarty, 'smarty', 6)
    md.treeprocessors.register(Unescape(md), 'unescape', 0)
    md.treeprocessors.register(ImageAlt(md), 'cm_image_alt', 18)
    md.treeprocessors.register(ImageContent(md), 'cm_image_content', 6)
