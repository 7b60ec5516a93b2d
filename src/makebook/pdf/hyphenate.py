"""Where a word of the print edition may be hyphenated, as a trade book's editor would have it.

:mod:`~makebook.pdf.justify` breaks running text into lines itself and writes
a soft hyphen only where it chose to hyphenate; these are the points it may
choose from:

* plain ``en`` means American patterns (pyphen's plain ``en`` is British:
  "act-resses", "document-ary"); ``en-GB``, ``en-AU``... keep British ones;
* a word needs six letters, two before the break and three after;
* capitalised words (names: "Mathilda") and words in capitals are never broken
  (nor, justify.py sees to it, a block's last word, so no line holds only the
  tail of a word).

Headings, display lines, the contents, table cells and code are never
hyphenated (print.css: ``hyphens: manual`` and no soft hyphen there).
"""

from __future__ import annotations

import functools
import re

from lxml import etree

from makebook.model import XML_NS

LEFT, RIGHT, SHORTEST = 2, 3, 6  # two letters before a break, three after, six in all
# A word: letters, with apostrophes inside ("keeper’s").
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


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


def language_of(node: etree._Element, default: str) -> str:
    for ancestor in (node, *node.iterancestors()):
        lang = ancestor.get('lang') or ancestor.get(f'{{{XML_NS}}}lang')
        if lang:
            return lang
    return default
