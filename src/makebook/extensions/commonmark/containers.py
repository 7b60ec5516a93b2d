"""The elements the writer's container markers stand for, and CommonMark's tight lists.

``STX cm:ul:tight ETX`` (or ``ol:loose:3``, ``li``, ``blockquote``, ``dl:tight``, ``dt``,
``dd``) opens an element, ``STX cm:end ETX`` closes the innermost; the content between
is parsed as ordinary Markdown blocks into the element. In a tight list (no blank line
between its items or their blocks) CommonMark puts an item's paragraphs straight into
the ``<li>``, without ``<p>``: that is done once the inline text is read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markdown.blockprocessors import BlockProcessor
from markdown.postprocessors import RawHtmlPostprocessor
from markdown.treeprocessors import Treeprocessor

from makebook.extensions.commonmark.writer import END, ETX, HOLLOW, MARK

TIGHT = 'data-makebook-tight'  # on a tight list's element until TightTreeprocessor runs


class ContainerProcessor(BlockProcessor):
    def test(self, parent: ET.Element, block: str) -> bool:
        # Blocks may carry the newlines of the blank lines around them (a fenced div
        # joins and splits its content again).
        block = block.strip('\n')
        return block.startswith(MARK) and block.endswith(ETX) and block not in (END, HOLLOW)

    def run(self, parent: ET.Element, blocks: list[str]) -> None:
        kind, *args = blocks.pop(0).strip('\n')[len(MARK):-1].split(':')
        index = self._end(parent, blocks)
        inner = blocks[:index]
        del blocks[:index + 1]
        element = ET.SubElement(parent, kind)
        if kind == 'html':
            element.tag, attributes, inline = self.parser.md.__dict__['makebook_cm_elements'][int(args[0])]
            element.attrib.update(attributes)
            if inline:
                element.set(TIGHT, '')
        elif 'tight' in args or kind == 'dt':
            element.set(TIGHT, '')
        if kind == 'ol' and args[-1] != '1':
            element.set('start', args[-1])
        self.parser.parseChunk(element, '\n\n'.join(inner))


    def _end(self, parent: ET.Element, blocks: list[str]) -> int:
        """The index of the block closing the container just opened (the writer always
        closes what it opens)."""
        depth = 1
        for index, block in enumerate(blocks):
            if block.strip('\n') == END:
                depth -= 1
                if depth == 0:
                    return index
            elif self.test(parent, block):
                depth += 1
        return len(blocks)


class TightTreeprocessor(Treeprocessor):
    """Unwraps the paragraphs of tight lists' items and terms; removes the hollow markers."""

    def run(self, root: ET.Element) -> None:
        for element in list(root.iter()):
            if TIGHT in element.attrib:
                del element.attrib[TIGHT]
                items = [c for c in element if c.tag == 'li'] if element.tag in ('ul', 'ol') else [element]
                for item in items:
                    for child in [c for c in item if c.tag == 'p']:
                        unwrap(item, child)
            for child in [c for c in element if c.tag == 'p' and c.text == HOLLOW and not len(c)]:
                unwrap(element, child)
                _drop_text(element, HOLLOW)


def unwrap(parent: ET.Element, paragraph: ET.Element) -> None:
    """Replace ``paragraph`` by its content (text and children) inside ``parent``."""
    index = list(parent).index(paragraph)
    text = paragraph.text or ''
    if index == 0:
        parent.text = (parent.text or '') + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or '') + text
    children = list(paragraph)
    parent.remove(paragraph)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    tail = paragraph.tail or ''
    if children:
        children[-1].tail = (children[-1].tail or '') + tail
    elif index == 0:
        parent.text = (parent.text or '') + tail
    else:
        parent[index - 1].tail = (parent[index - 1].tail or '') + tail


def _drop_text(element: ET.Element, text: str) -> None:
    if element.text and text in element.text:
        element.text = element.text.replace(text, '') or None
    for child in element:
        if child.tail and text in child.tail:
            child.tail = child.tail.replace(text, '') or None


class BlockHtml(str):
    """Raw HTML the writer stashed as a block: restored without a <p> around it."""

    __slots__ = ()


class RawHtml(RawHtmlPostprocessor):
    def stash_to_string(self, text: str) -> str:
        return text if isinstance(text, BlockHtml) else super().stash_to_string(text)

    def isblocklevel(self, html: str) -> bool:
        return isinstance(html, BlockHtml) or super().isblocklevel(html)
