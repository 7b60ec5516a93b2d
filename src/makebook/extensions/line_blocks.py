"""Pandoc line blocks, for verse and addresses: every line starts with ``| ``.

Line breaks and leading spaces are kept (spaces as no-break spaces); a line
starting with a space continues the one before it, as in pandoc.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

LINE_RE = re.compile(r'^\|(?: (?P<text>.*)|)$')


class LineBlockProcessor(BlockProcessor):
    def test(self, parent: ET.Element, block: str) -> bool:
        lines = block.split('\n')
        return bool(LINE_RE.match(lines[0])) and all(
            LINE_RE.match(line) or line.startswith(' ') for line in lines)

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        lines: list[str] = []
        for line in blocks.pop(0).split('\n'):
            match = LINE_RE.match(line)
            if match:
                lines.append(match.group('text') or '')
            else:
                lines[-1] += ' ' + line.strip()
        div = ET.SubElement(parent, 'div')
        div.set('class', 'line-block')
        previous: ET.Element | None = None
        for index, line in enumerate(lines):
            indent = len(line) - len(line.lstrip(' '))
            text = '\u00a0' * indent + line.lstrip(' ')
            if index == 0:
                div.text = text
            else:
                previous = ET.SubElement(div, 'br')
                previous.tail = text


class LineBlockExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the block processor.

        | Class instance       | Registry        | Name         | Priority |
        | -------------------- | --------------- | ------------ | :------: |
        | `LineBlockProcessor` | blockprocessors | `line_block` | `74`     |

        Just below 'table' (75): a block that is a table (it has a ``|---|``
        row) stays a table.
        """
        md.parser.blockprocessors.register(LineBlockProcessor(md.parser), 'line_block', 74)


def makeExtension(**kwargs: object) -> LineBlockExtension:
    return LineBlockExtension(**kwargs)
