"""A word made of too many inline elements is printed plain, in every edition.

Nothing in running text may be set in more than linear time, and WeasyPrint's inline line
breaker is not linear in one case: a word (a stretch with no place to break a line) that
holds many inline elements. Each element it cannot fit is tried against every element
waiting before it on the line (``_break_waiting_children``, ``can_break_inside``), so
5,000 alternating ``[*`` of a hostile manuscript (``[<em>[</em>[<em>[</em>…``, one
unbreakable word) took 15 CPU s to lay out at 2,500 and grew as n^1.6; the word also ran
off the page's edge, as WeasyPrint breaks an overlong word only within one text.

No book writes a word of even a dozen formatted pieces (a formula's subscripts, a few
note calls). A word of more than :data:`MAX_ELEMENTS_IN_A_WORD` elements is printed
plain (MB336, at the line): each formatting element in it (emphasis, a span, inline code,
a link to elsewhere) is unwrapped, its text staying where it was, in order. The whole word,
not only its elements past the bound: WeasyPrint cannot break a line between two elements
of one word, so a word of 64 formatted pieces would still run off the page, where one
plain text breaks where it must (print.css: ``overflow-wrap: break-word``). An element
that is more than formatting stays whatever its place: one with an id (a link may lead to
it), a link within the book (a note call, a cross-reference), an image, a formula. The
same tree goes to the EPUB, the web edition and the PDF, so all three print the same
words the same way.

Linear: one walk over the tree, then each parent of an unwrapped element refilled once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import Locator
from makebook.render.content import local

# Far above any real word (a chemical formula's subscripts, a few note calls in a row),
# far below where the layout's time shows: a word's elements cost it their square.
MAX_ELEMENTS_IN_A_WORD = 64
# Elements that only format their text: unwrapped past the bound.
_FORMATTING = frozenset({
    'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'i', 'ins', 'kbd', 'mark',
    'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var',
})
# Elements that sit in a line of text without ending it: counted, never unwrapped.
_OTHER_INLINE = frozenset({
    'audio', 'canvas', 'iframe', 'img', 'input', 'label', 'map', 'object', 'picture', 'ruby', 'rp', 'rt',
    'source', 'video',
})
# Elements that end the word they are in: a line may break there.
_BREAKS = frozenset({'br', 'wbr'})
# Where a line may break inside a text: spaces, hyphens and dashes, a slash, a soft
# hyphen, and the scripts written without spaces (Thai, Lao, Myanmar, Khmer, and CJK on).
# A word that holds one of these is not the one word the bound is about.
BREAK_IN_TEXT = re.compile('[ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200b\u205f'
                            '\u00ad/\\-\u2010-\u2014\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff'
                            '\u2e80-\U0010ffff]')


@dataclass
class _Word:
    """The word being read: how many elements it holds, and those unwrapped in it."""
    elements: int = 0
    formatting: list[etree._Element] = field(default_factory=list)  # those only formatting its text
    text: list[str] = field(default_factory=list)  # its first texts, to find its line by
    block: str = ''  # how the block it is in starts, to find the line by when the word's is not written


def crowded_words(body: etree._Element, where: Locator, problems: list[Diagnostic]) -> None:
    """Unwrap the formatting elements past :data:`MAX_ELEMENTS_IN_A_WORD` in each word of
    ``body``, keeping their text and order; one MB336 for each such word, at its line."""
    crowded: list[_Word] = []
    word = _Word()

    def end_word(block: str | None = None) -> None:
        nonlocal word
        if word.elements > MAX_ELEMENTS_IN_A_WORD and word.formatting:
            crowded.append(word)
        word = _Word(block=word.block if block is None else block)

    def read(text: str | None) -> None:
        if not text:
            return
        last = max((found.end() for found in BREAK_IN_TEXT.finditer(text)), default=None)
        if last is not None:  # a new word starts after the text's last break
            end_word()
            text = text[last:]
        if text and len(word.text) < 4:
            word.text.append(text)

    walk = etree.iterwalk(body, events=('start', 'end'))
    for event, node in walk:
        if not isinstance(node.tag, str):  # a comment: nothing on the page
            continue
        name = local(node)
        inline = name in _FORMATTING or name in _OTHER_INLINE or name is None
        if event == 'start':
            if not inline:
                end_word((node.text or '').strip().split('\n')[0][:30])
            elif name in _BREAKS:
                end_word()
            else:
                _count(node, name, word)
            if name is None or name in _OTHER_INLINE:  # a formula, an image: one box, whatever it holds
                walk.skip_subtree()
                continue
            read(node.text)
        else:
            if not inline:
                end_word()
            read(node.tail)
    end_word()
    for found in crowded:
        _report(found, where, problems)
    _unwrap([element for found in crowded for element in found.formatting])


def _count(node: etree._Element, name: str | None, word: _Word) -> None:
    word.elements += 1
    if name in _FORMATTING and _only_formats(node, name):
        word.formatting.append(node)


def _only_formats(node: etree._Element, name: str) -> bool:
    """Whether ``node`` is only formatting: no id a link could lead to, not a link within the book."""
    if node.get('id') is not None:
        return False
    return name != 'a' or not (node.get('href') or '').startswith('#')


def _report(word: _Word, where: Locator, problems: list[Diagnostic]) -> None:
    text = ''.join(word.text)
    # The word as written, if its first texts are; its block's start; its first character
    # before the markup of an element (``[*``, ``a<``, ``x```).
    needles = [needle for needle in (text[:40], word.block) if needle]
    needles += [text[0] + mark for mark in '*_<`[' if text]
    problems.append(codes.CROWDED_WORD(
        f'a word of {word.elements} inline elements (emphasis, spans, code, links) with no space between '
        f'them, more than {MAX_ELEMENTS_IN_A_WORD}; it is printed plain in every edition, its text kept '
        f'({len(word.formatting)} elements left out)', where.path, where.line_of(*needles)))


def _unwrap(elements: list[etree._Element]) -> None:
    """Put each of ``elements``' content in its place, in order: each parent refilled once."""
    dissolved = set(elements)
    parents = {id(parent): parent for element in elements
               if (parent := element.getparent()) is not None and parent not in dissolved}
    for parent in parents.values():
        _refill(parent, _content(parent, dissolved))


def _content(node: etree._Element, dissolved: set[etree._Element]) -> list[str | etree._Element]:
    """``node``'s text and children in order, those in ``dissolved`` replaced by their own content."""
    content: list[str | etree._Element] = [node.text] if node.text else []
    for child in node:
        if child in dissolved:
            content.extend(_content(child, dissolved))  # depth bounded by repairs.nesting
        else:
            content.append(child)
        if child.tail:
            content.append(child.tail)
    return content


def _refill(parent: etree._Element, content: list[str | etree._Element]) -> None:
    """Make ``content`` (texts and elements, in order) ``parent``'s, each text joined once."""
    for child in list(parent):
        parent.remove(child)
    texts: list[str] = []
    last: etree._Element | None = None
    for piece in content:
        if isinstance(piece, str):
            texts.append(piece)
            continue
        _set_text(parent, last, texts)
        parent.append(piece)
        last, texts = piece, []
    _set_text(parent, last, texts)


def _set_text(parent: etree._Element, last: etree._Element | None, texts: list[str]) -> None:
    joined = ''.join(texts) or None
    if last is None:
        parent.text = joined
    else:
        last.tail = joined
