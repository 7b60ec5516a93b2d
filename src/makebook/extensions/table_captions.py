"""Pandoc table captions: ``: Caption {#tbl-x}`` or ``Table: Caption`` next to a table.

Pandoc (and Quarto, and pandoc-crossref's ``{#tbl:x}``) reads a paragraph
starting with ``Table:`` or a lone ``:`` right after a table (or right before
it) as the table's caption, with an optional attribute block that gives the
table its id. Without this extension the definition-list extension makes a
stray ``<dd>`` of it (invalid in an EPUB) and prints the ``{#tbl-x}``.

The caption becomes the table's ``<caption>``, the id moves to the
``<table>``; the renderer numbers tables whose id starts with ``tbl-``
("Table 2.") as it numbers figures.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from makebook.extensions import attributes

CAPTION_RE = re.compile(r'^(?:Table:|:)[ \t]+(?P<text>\S.*?)(?:[ \t]*\{(?P<attrs>[^{}\n]*)\})?[ \t]*$',
                        re.DOTALL)


def _caption(table: ET.Element, text: str, attrs: str | None) -> None:
    """Give ``table`` its caption (the text parsed later as inline Markdown) and attributes."""
    caption = ET.Element('caption')
    caption.text = ' '.join(text.split())
    table.insert(0, caption)
    if attrs is not None:
        parsed = attributes.parse(attrs)
        parsed.apply(table)


class CaptionAfterProcessor(BlockProcessor):
    """``: Caption`` or ``Table: Caption`` in the block right after a table."""

    def test(self, parent: ET.Element, block: str) -> bool:
        return (len(parent) > 0 and parent[-1].tag == 'table' and parent[-1].find('caption') is None
                and bool(CAPTION_RE.match(block)))

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        match = CAPTION_RE.match(blocks.pop(0))
        assert match is not None  # test() matched this block
        _caption(parent[-1], match.group('text'), match.group('attrs'))


class CaptionBeforeTreeprocessor(Treeprocessor):
    """``Table: Caption`` in the paragraph right before a table (pandoc reads both places)."""

    def run(self, root: ET.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for paragraph, table in itertools.pairwise(children):
                if paragraph.tag != 'p' or table.tag != 'table' or table.find('caption') is not None:
                    continue
                if len(paragraph) or not (paragraph.text or '').startswith('Table:'):
                    continue
                match = CAPTION_RE.match(paragraph.text or '')
                if match:
                    _caption(table, match.group('text'), match.group('attrs'))
                    parent.remove(paragraph)


class TableCaptionExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors.

        | Class instance               | Registry        | Name                  | Priority |
        | ---------------------------- | --------------- | --------------------- | :------: |
        | `CaptionAfterProcessor`      | blockprocessors | `table_caption`       | `76`     |
        | `CaptionBeforeTreeprocessor` | treeprocessors  | `table_caption_above` | `25`     |

        The block processor runs before 'table' (75) and the definition list
        ('deflist', 25), which would read ``: Caption`` as a definition; the tree
        processor before 'inline' (20), so the caption's Markdown is still parsed.
        """
        md.parser.blockprocessors.register(CaptionAfterProcessor(md.parser), 'table_caption', 76)
        md.treeprocessors.register(CaptionBeforeTreeprocessor(md), 'table_caption_above', 25)


def makeExtension(**kwargs: object) -> TableCaptionExtension:
    return TableCaptionExtension(**kwargs)
