"""Footnotes that continue on the next page, in the print document (lxml only).

WeasyPrint 70 cannot split a footnote over two pages (WeasyPrint #1833): a note
taller than the room under its call is lost or printed pages away. So
:mod:`makebook.pdf.boxes` measures, in a first layout, how many words of such a note
fit under its call, and this module cuts the note there: the first part stays
at the call, the rest becomes a second footnote body, with no call number and
marked '(cont.)' (print.css), anchored in the first line of the next page. The
book is then laid out again; a continuation that is still too long is cut the
same way.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from makebook.model import XHTML_NS
from makebook.xhtml import text_content

_X = f'{{{XHTML_NS}}}'
CONTINUED = '-cont'


@dataclass(frozen=True, slots=True)
class NoteSplit:
    """Cut note ``note_id`` after ``words`` words; anchor the rest in block ``block_id``
    where its text ``line_start`` (the next page's first line) begins."""

    note_id: str
    words: int
    block_id: str
    line_start: str


def apply_splits(body: etree._Element, splits: list[NoteSplit]) -> None:
    """Cut the notes of ``splits`` (in order: a continuation may be cut again)."""
    if not splits:
        return
    # The elements by id, found once (not a search of the whole book for each split: a layout
    # may cut thousands of notes); the first of an id, as find() gave.
    with_id: dict[str, etree._Element] = {}
    for element in body.iterfind('.//*[@id]'):
        with_id.setdefault(element.get('id', ''), element)

    def found(element_id: str) -> etree._Element | None:
        element = with_id.get(element_id)  # a cut's continuation is added as it is made
        if element is None or element is body or body in element.iterancestors():
            return element
        return body.find(f'.//*[@id="{element_id}"]')  # taken out by a cut: search as before

    for split in splits:
        note = found(split.note_id)
        block = found(split.block_id)
        if note is None or block is None:
            continue
        rest = cut_after_words(note, split.words)
        if rest is None:
            continue
        rest.set('id', split.note_id + CONTINUED)
        rest.set('class', 'footnote footnote-cont')
        _insert_at_line(block, rest, split.line_start, after=note)
        with_id.setdefault(rest.get('id', ''), rest)


def note_words(note: etree._Element) -> list[str]:
    return text_content(note).split()


# Where a text sits: an element's .text or its .tail.
_Slot = Literal['text', 'tail']


def _slots(root: etree._Element,
           skip: etree._Element | None = None) -> Iterator[tuple[etree._Element, _Slot]]:
    """(node, 'text'|'tail') of every text of ``root`` in reading order, notes left out."""
    def walk(node: etree._Element) -> Iterator[tuple[etree._Element, _Slot]]:
        is_note = node is not root and 'footnote' in (node.get('class') or '').split()
        if not is_note:
            yield node, 'text'
            for kid in node:
                if isinstance(kid.tag, str):
                    yield from walk(kid)
        if node is not root:
            yield node, 'tail'
    yield from walk(root)


def cut_after_words(note: etree._Element, words: int) -> etree._Element | None:
    """Keep the first ``words`` words in ``note``; return the rest (same markup) or None."""
    if words <= 0 or words >= len(note_words(note)):
        return None
    rest = copy.deepcopy(note)
    _truncate(note, words, keep='head')
    _truncate(rest, words, keep='tail')
    return rest


def _truncate(root: etree._Element, words: int, keep: str) -> None:
    """Drop the text after (keep='head') or before (keep='tail') the cut at ``words`` words."""
    seen, cut = 0, False
    for node, slot in list(_slots(root)):
        text = getattr(node, slot) or ''
        if cut:
            if keep == 'head':
                setattr(node, slot, None)
            continue
        tokens = list(re.finditer(r'\S+', text))
        if seen + len(tokens) < words:
            seen += len(tokens)
            if keep == 'tail':
                setattr(node, slot, None)
            continue
        end = tokens[words - seen - 1].end()
        setattr(node, slot, text[:end] if keep == 'head' else text[end:].lstrip())
        cut = True
    _drop_empty(root)  # elements wholly on the other side of the cut


def _drop_empty(root: etree._Element) -> None:
    for node in reversed(list(root.iter())):
        if node is root or not isinstance(node.tag, str):
            continue
        if not text_content(node).strip() and node.tag not in (f'{_X}img', f'{_X}br'):
            parent = node.getparent()
            assert parent is not None  # a descendant of root, not root itself
            previous = node.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or '') + (node.tail or '')
            else:
                parent.text = (parent.text or '') + (node.tail or '')
            parent.remove(node)


def _insert_at_line(block: etree._Element, note: etree._Element, line_start: str,
                    after: etree._Element) -> None:
    """Put ``note`` in ``block`` after the first word of the text ``line_start`` begins
    (searched after ``after`` when that is in the block), else at the block's start."""
    slots = list(_slots(block))
    text, offsets = '', []
    start_from = 0
    for node, slot in slots:
        if node is after and slot == 'tail':
            start_from = len(text)
        offsets.append(len(text))
        text += getattr(node, slot) or ''
    words = line_start.split()[:3]
    where = None
    if words:
        pattern = r'\s*'.join(re.escape(w.rstrip('\u2010\u00ad-')) for w in words)
        match = re.compile(pattern).search(text, start_from)
        if match:
            space = re.compile(r'\s').search(text, match.start())
            where = space.start() if space else len(text)
    if where is None:  # not found: the block's start is on that page too
        where = 0
    for (node, slot), offset in reversed(list(zip(slots, offsets, strict=True))):
        if offset <= where:
            value = getattr(node, slot) or ''
            head, tail = value[:where - offset], value[where - offset:]
            setattr(node, slot, head)
            note.tail = tail
            if slot == 'text':
                node.insert(0, note)
            else:
                node.addnext(note)
            return
