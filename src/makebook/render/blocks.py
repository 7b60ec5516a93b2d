"""An id on every top-level block of every chapter, so each can be found on a printed page.

The print edition reports on which page each block begins (WeasyPrint's
``Page.anchors``); the EPUB then marks where each printed page begins. The ids
are given here, in render, so every edition carries the same ones whether or
not the PDF is made in the same run (new ids are ``pg-<chapter>-<n>``).
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from makebook.model import EPUB_TYPE, XHTML_NS, Chapter

ID_PREFIX = 'pg-'


def with_block_ids(chapter: Chapter) -> Chapter:
    """The chapter with an id on each of its top-level blocks, listed in ``blocks``."""
    section = etree.fromstring(chapter.body)
    added, blocks = [], []
    for index, block in enumerate(top_level_blocks(section), start=1):
        if not block.get('id'):
            block.set('id', f'{ID_PREFIX}{chapter.id}-{index}')
            added.append(block.get('id', ''))
        blocks.append(block.get('id', ''))
    return dataclasses.replace(chapter, body=etree.tostring(section, encoding='unicode'),
                               ids=chapter.ids | frozenset(added), blocks=tuple(blocks))


def top_level_blocks(section: etree._Element) -> list[etree._Element]:
    """A chapter's blocks in reading order, leaving out its footnotes (they float in print)."""
    return [block for block in section
            if isinstance(block.tag, str) and block.get(EPUB_TYPE) != 'footnotes'
            and block.tag != f'{{{XHTML_NS}}}aside']
