"""Pandoc attribute blocks: ``{#id .class key=value key2="two words" -}``.

Shared by the extensions (not an extension itself). ``-`` is pandoc's short
form of ``.unnumbered``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

_TOKEN = re.compile(r'''
    \#(?P<id>[^\s{}]+)
  | \.(?P<cls>[^\s{}]+)
  | (?P<key>[^\s={}]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s{}]*))
  | (?P<minus>-)(?=\s|$)
  | (?P<word>[^\s{}=]+)
''', re.VERBOSE)


# An attribute block: no brace inside, so finding them all is linear (a heading of 64,000
# '{' took 44 seconds through a pattern that looked for the '}' from every '{').
_BLOCK = re.compile(r'\{[^{}\n]*\}')
_MINUS = re.compile(r'(?<=[{\s])-(?=[\s}])')


def unnumbered_minus(heading: str, last_only: bool = False) -> str:
    """A heading's text with pandoc's ``-`` in its attribute block (``{-}``, ``{#id -}``) written
    ``.unnumbered``: in the first block that has one, or only in the last block when
    ``last_only`` (then nothing but text without braces may follow it)."""
    if '-' not in heading or '{' not in heading:
        return heading
    blocks = list(_BLOCK.finditer(heading))
    if last_only:
        blocks = [b for b in blocks[-1:] if '{' not in heading[b.end():] and '}' not in heading[b.end():]]
    for block in blocks:
        minus = _MINUS.search(heading, block.start(), block.end())
        if minus:
            return heading[:minus.start()] + '.unnumbered' + heading[minus.end():]
    return heading


# DPUB-ARIA roles matching epub:type values (Ace: epub-type-has-matching-role).
ROLES = {name: f'doc-{name}' for name in (
    'abstract', 'acknowledgments', 'afterword', 'appendix', 'bibliography', 'chapter',
    'colophon', 'conclusion', 'dedication', 'epigraph', 'epilogue', 'foreword', 'glossary',
    'introduction', 'part', 'preface', 'prologue', 'pullquote', 'tip', 'footnote')}


def role_for(epub_type: str) -> str | None:
    """The DPUB-ARIA role for the first epub:type that has one."""
    return next((ROLES[t] for t in epub_type.split() if t in ROLES), None)


@dataclass
class Attributes:
    id: str | None = None
    classes: list[str] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)

    def apply(self, element: ET.Element) -> None:
        """Set the id, add the classes and key=value pairs on ``element``."""
        if self.id:
            element.set('id', self.id)
        if self.classes:
            existing = (element.get('class') or '').split()
            element.set('class', ' '.join(dict.fromkeys(existing + self.classes)))
        for key, value in self.pairs.items():
            element.set(key, value)


def parse(text: str) -> Attributes:
    """Parse the inside of ``{...}``; unknown bare words become classes, as in pandoc."""
    attributes = Attributes()
    for match in _TOKEN.finditer(text.strip()):
        if match.group('id'):
            attributes.id = match.group('id')
        elif match.group('cls'):
            attributes.classes.append(match.group('cls'))
        elif match.group('key'):
            value = next((v for v in match.group('dq', 'sq', 'bare') if v is not None), '')
            key = match.group('key')
            attributes.pairs[key if re.fullmatch(r'[A-Za-z_:][\w:.-]*', key) else
                             'data-' + re.sub(r'[^\w-]', '-', key)] = value
        elif match.group('minus'):
            attributes.classes.append('unnumbered')
        elif match.group('word'):
            attributes.classes.append(match.group('word'))
    return attributes
