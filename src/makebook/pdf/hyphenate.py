"""Where words may be hyphenated in the print edition, as a trade book's editor would have it.

WeasyPrint hyphenates (``hyphens: auto``) with pyphen's patterns for the
element's ``lang``; this module decides what it may not touch, in the print
document itself:

* ``en`` alone means American patterns (pyphen's plain ``en`` is British:
  "act-resses", "document-ary"), so ``lang="en"`` becomes ``en-US`` in the
  print document; ``en-GB``, ``en-AU``... keep British ones;
* capitalised words (names: "Mathilda") and words in capitals are never broken,
  nor the last word of a paragraph (no line holds only the tail of a word):
  each is wrapped in ``<span class="nohyphen">`` (``hyphens: manual``);
* print.css keeps code, headings, display lines, the contents and table cells
  unhyphenated, and asks for six letters, two before the break, three after.

(Soft hyphens would be simpler to write, but WeasyPrint 70 misplaces breaks in
a line holding several of them: "and ad-" alone on a justified line.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from lxml import etree

from makebook.model import XHTML_NS, XML_NS

_X = f'{{{XHTML_NS}}}'
LEFT, RIGHT, SHORTEST = 2, 3, 6  # print.css: hyphenate-limit-chars: 6 2 3
NO_HYPHEN = 'nohyphen'
# A word: letters, with apostrophes inside ("keeper’s").
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Blocks whose text is hyphenated, each on its own.
TEXT_BLOCKS = frozenset({'p', 'li', 'dd', 'blockquote', 'div', 'aside', 'section'})
# Never hyphenated (print.css), nor anything inside them.
_NEVER_TAGS = frozenset({'code', 'pre', 'kbd', 'samp', 'var', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
                         'nav', 'th', 'td', 'figcaption', 'img', 'svg', 'math', 'abbr', 'dt', 'table'})
_NEVER_CLASSES = frozenset({'chapter-number', 'halftitle', 'titlepage', 'copyright', 'lead-in',
                            'epigraph', 'chapter-subtitle', 'epigraph-source', 'dedication',
                            'part-title', 'math', 'toc', 'line-block', NO_HYPHEN})


def pattern_language(lang: str | None) -> str | None:
    """pyphen's dictionary for a BCP 47 tag: US English for plain 'en', None if there is none."""
    import pyphen

    if not lang:
        return None
    tag = lang.replace('_', '-')
    if tag.lower() in ('en', 'en-us'):
        return 'en_US'
    fallback = pyphen.language_fallback(tag.replace('-', '_'))
    if fallback == 'en':  # en-AU, en-NZ, en-IE...: British spelling, British patterns
        return 'en_GB'
    return str(fallback) if fallback else None


def print_language(lang: str) -> str:
    """The tag WeasyPrint hyphenates by: 'en' becomes 'en-US' (pyphen's 'en' is British)."""
    return 'en-US' if lang.lower() == 'en' else lang


@functools.cache
def _dictionary(language: str) -> object:
    import pyphen

    return pyphen.Pyphen(lang=language, left=LEFT, right=RIGHT)


@functools.cache
def points(word: str, language: str) -> tuple[int, ...]:
    """Where WeasyPrint may break ``word`` (character offsets), as print.css and pyphen say."""
    if len(word) < SHORTEST:
        return ()
    dictionary = _dictionary(language)
    return tuple(dictionary.positions(word))  # type: ignore[attr-defined]  # pyphen is untyped


def protected(word: str) -> bool:
    """True for a word that is never hyphenated: capitalised or in capitals."""
    return not word[:1].islower()


def is_excluded(node: etree._Element) -> bool:
    """True for an element whose text is never hyphenated."""
    local = etree.QName(node).localname
    if local in _NEVER_TAGS:
        return True
    classes = (node.get('class') or '').split()
    if _NEVER_CLASSES.intersection(classes):
        return True
    return local == 'a' and (node.get('href') or '').startswith(('http:', 'https:', 'mailto:'))


def is_note(node: etree._Element) -> bool:
    return 'footnote' in (node.get('class') or '').split()


def language_of(node: etree._Element, default: str) -> str:
    for ancestor in (node, *node.iterancestors()):
        lang = ancestor.get('lang') or ancestor.get(f'{{{XML_NS}}}lang')
        if lang:
            return lang
    return default


Slot = tuple[etree._Element, str]  # a node and 'text' or 'tail'


def own_slots(block: etree._Element) -> Iterator[Slot]:
    """The texts that belong to ``block`` itself, in reading order: not those of the blocks,
    notes or never-hyphenated elements inside it (their tails do belong to it)."""
    def walk(node: etree._Element) -> Iterator[Slot]:
        yield node, 'text'
        for kid in node:
            if isinstance(kid.tag, str) and not (_is_block(kid) or is_note(kid) or is_excluded(kid)):
                yield from walk(kid)
            yield kid, 'tail'
    yield from walk(block)


def _is_block(node: etree._Element) -> bool:
    return etree.QName(node).localname in TEXT_BLOCKS


def blocks(body: etree._Element) -> Iterator[etree._Element]:
    """Every block of running text (and every note, a block of its own), outside excluded parts."""
    def walk(node: etree._Element) -> Iterator[etree._Element]:
        for kid in node:
            if not isinstance(kid.tag, str) or is_excluded(kid):
                continue
            if _is_block(kid) or is_note(kid):
                yield kid
            yield from walk(kid)
    yield from walk(body)


def american_english(body: etree._Element) -> None:
    """Every ``lang="en"`` in the print document becomes ``en-US``, WeasyPrint's way to US patterns."""
    for node in body.iter():
        if isinstance(node.tag, str):
            for name in ('lang', f'{{{XML_NS}}}lang'):
                value = node.get(name)
                if value is not None and value.lower() == 'en':
                    node.set(name, 'en-US')


def protect_words(body: etree._Element, skip: frozenset[int] = frozenset()) -> None:
    """Wrap every capitalised word long enough to hyphenate, and every block's last word, in a
    no-hyphen span. ``skip`` holds ``id()`` of blocks already set otherwise (justify.py)."""
    for block in list(blocks(body)):
        if id(block) not in skip:
            protect_block(block)


def protect_block(block: etree._Element, also: frozenset[tuple[int, int]] = frozenset()) -> None:
    """Protect the block's capitalised words, its last word, and the words of ``also``
    ((slot number, offset) of their starts in :func:`own_slots` order)."""
    slots = list(own_slots(block))
    last = _last_word(slots)
    for number, (node, slot) in reversed(list(enumerate(slots))):
        text = getattr(node, slot) or ''
        if len(text) < SHORTEST:
            continue
        wanted = [match for match in WORD.finditer(text) if len(match.group()) >= SHORTEST
                  and (protected(match.group()) or (number, match.start()) in also
                       or (number, match.start()) == last)]
        if wanted:
            wrap_words(node, slot, [(m.start(), m.end()) for m in wanted])


def wrap_words(node: etree._Element, slot: str, spans: list[tuple[int, int]]) -> None:
    """Wrap the ``spans`` (start, end offsets, in order) of a text slot in no-hyphen spans."""
    text = getattr(node, slot) or ''
    parent = node if slot == 'text' else node.getparent()
    assert parent is not None
    index = 0 if slot == 'text' else parent.index(node) + 1
    setattr(node, slot, text[:spans[0][0]])
    for number, (start, end) in enumerate(spans):
        keep = etree.Element(f'{_X}span')
        keep.set('class', NO_HYPHEN)
        keep.text = text[start:end]
        following = spans[number + 1][0] if number + 1 < len(spans) else len(text)
        keep.tail = text[end:following]
        parent.insert(index + number, keep)


def _last_word(slots: list[Slot]) -> tuple[int, int] | None:
    """(slot number, offset) of the block's last word."""
    for number in range(len(slots) - 1, -1, -1):
        node, slot = slots[number]
        words = list(WORD.finditer(getattr(node, slot) or ''))
        if words:
            return number, words[-1].start()
    return None
