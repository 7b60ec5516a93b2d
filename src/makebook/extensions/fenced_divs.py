"""Pandoc fenced divs: ``::: {.class #id}`` ... ``:::``, nested to any depth.

A fence of three or more colons with attributes (or one bare word, a class)
opens a div; a line of colons alone closes the innermost open one. The
element is an ``aside`` for sidebars and callouts, a ``section`` for the
structural epub:types, else a ``div``; pandoc's ``epub:type=x`` attribute is
kept as ``epub:type``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

from makebook import codes
from makebook.extensions import attributes, warn

OPEN_RE = re.compile(r'^:{3,}[ \t]*(?:\{(?P<attrs>[^}\n]*)\}|(?P<word>[\w-]+))[ \t]*:*[ \t]*$')
CLOSE_RE = re.compile(r'^:{3,}[ \t]*$')
ASIDE_CLASSES = {'aside', 'sidebar', 'note', 'tip', 'warning', 'caution', 'important', 'marginnote'}
ASIDE_TYPES = {'sidebar', 'tip', 'note', 'pullquote', 'footnote', 'endnote', 'rearnote'}
SECTION_TYPES = {'chapter', 'part', 'division', 'volume', 'preface', 'foreword', 'prologue',
                 'epilogue', 'introduction', 'conclusion', 'afterword', 'appendix', 'dedication',
                 'epigraph', 'acknowledgments', 'bibliography', 'glossary', 'colophon'}


def element_for(attrs: attributes.Attributes) -> str:
    """Which element a div becomes, from its classes and epub:type."""
    epub_types = set(attrs.pairs.get('epub:type', '').split())
    classes = set(attrs.classes)
    if classes & ASIDE_CLASSES or epub_types & ASIDE_TYPES or any(
            c.startswith('callout') for c in classes):
        return 'aside'
    if 'section' in classes or epub_types & SECTION_TYPES:
        return 'section'
    return 'div'


_NOTES = {'note', 'warning', 'caution', 'important'}


def _note_role(attrs: attributes.Attributes) -> str | None:
    """A callout is a note in the text, not a landmark: an ``<aside>`` without a role is a
    complementary landmark, and a chapter with several unnamed ones fails Ace's
    landmark-unique (R for Data Science has up to three a chapter)."""
    classes = set(attrs.classes)
    if 'tip' in classes or 'callout-tip' in classes:
        return 'doc-tip'
    if classes & _NOTES or any(c.startswith('callout') for c in classes):
        return 'note'
    return None


class FencedDivProcessor(BlockProcessor):
    def test(self, parent: ET.Element, block: str) -> bool:
        return bool(OPEN_RE.match(block.split('\n', 1)[0]))

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        lines = '\n\n'.join(blocks).split('\n')
        blocks.clear()
        opener = OPEN_RE.match(lines[0])
        assert opener is not None  # test() matched this line
        depth, close = 1, None
        for index, line in enumerate(lines[1:], start=1):
            if OPEN_RE.match(line):
                depth += 1
            elif CLOSE_RE.match(line):
                depth -= 1
                if depth == 0:
                    close = index
                    break
        if close is None:
            warn(self.parser.md, codes.UNCLOSED_DIV, 'a fenced div is never closed (add a line of '
                 'colons, :::); it runs to the end of the file', lines[0])
            close = len(lines)
        attrs = attributes.parse(opener.group('attrs') or '')
        if opener.group('word'):
            attrs.classes.insert(0, opener.group('word'))
        div = ET.SubElement(parent, element_for(attrs))
        attrs.apply(div)
        role = attributes.role_for(attrs.pairs.get('epub:type', '')) or _note_role(attrs)
        if role and div.get('role') is None:
            div.set('role', role)
        # The div's blocks and the rest are cut before its content is read (parseChunk's
        # reading, without the text held): a div read inside a div would otherwise hold its
        # own copy of every line after it, one per level of nesting.
        inner = '\n'.join(lines[1:close]).split('\n\n')
        rest = '\n'.join(lines[close + 1:]).strip('\n')
        del lines
        self.parser.parseBlocks(div, inner)
        if rest:
            blocks[:0] = rest.split('\n\n')


class FencedDivExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the block processor.

        | Class instance       | Registry        | Name          | Priority |
        | -------------------- | --------------- | ------------- | :------: |
        | `FencedDivProcessor` | blockprocessors | `fenced_div`  | `105`    |

        Above every other block processor (empty 100, indent 90), so a fence
        is never read as a paragraph or code.
        """
        md.parser.blockprocessors.register(FencedDivProcessor(md.parser), 'fenced_div', 105)


def makeExtension(**kwargs: object) -> FencedDivExtension:
    return FencedDivExtension(**kwargs)
