"""Reading WeasyPrint's laid-out boxes: where a note's call and body landed, how much of a
note fits under its call, and where the next page's first line begins.

WeasyPrint has no public API for this; it keeps the boxes on ``page._page_box``.
Everything that reads them is here, so a WeasyPrint upgrade has one place to
look (and the PDF tests check the real output whatever happens here).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from makebook.pdf import splits as print_split


def _walk(box: Any, ancestors: tuple[Any, ...] = ()) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """(box, its ancestors) for every box under ``box``."""
    yield box, ancestors
    for kid in getattr(box, 'children', ()):
        yield from _walk(kid, (*ancestors, box))


def _text(box: Any) -> str:
    """The text of a box, leaving out generated markers ('3. ')."""
    if '::' in (getattr(box, 'element_tag', '') or ''):
        return ''
    return (getattr(box, 'text', '') or '') + ''.join(_text(k) for k in getattr(box, 'children', ()))


def note_splits(document: Any, stray: set[str], block_ids: set[str]) -> list[print_split.NoteSplit]:
    """Where to cut each note of ``stray`` that is taller than the room under its call.

    Read from the laid-out boxes (``page._page_box``, as in
    :func:`misplaced_footnotes`): the page and line of the call, the room left
    under that line, and the lines the note's body was broken into wherever
    WeasyPrint put it. The cut keeps the lines that fit, at a word.
    """
    from weasyprint.formatting_structure import boxes

    # WeasyPrint's laid-out page boxes: private and untyped.
    pages: list[Any] = [getattr(page, '_page_box', None) for page in document.pages]
    if not pages or pages[0] is None:
        return []
    calls: dict[str, tuple[int, float]] = {}
    bodies: dict[str, Any] = {}
    overhead = 12.0
    for number, page in enumerate(pages):
        for area_index, area in enumerate(page.children):
            if isinstance(area, boxes.FootnoteAreaBox) and area.children:
                overhead = area.margin_height() - sum(k.margin_height() for k in area.children)
            for box, ancestors in _walk(area):
                element = getattr(box, 'element', None)
                if element is None or element.get('id') not in stray:
                    continue
                if getattr(box, 'footnote', None) is not None:
                    line = next((a for a in reversed(ancestors) if isinstance(a, boxes.LineBox)), box)
                    calls[element.get('id')] = (number, line.position_y + line.height)
                elif area_index > 0 and isinstance(box, boxes.BlockBox):
                    bodies[element.get('id')] = box
    splits = []
    for note_id in sorted(stray):
        if note_id not in calls or note_id not in bodies or calls[note_id][0] + 1 >= len(pages):
            continue
        number, call_bottom = calls[note_id]
        page = pages[number]
        room = page.content_box_y() + page.height - call_bottom - 2.0
        for area in page.children:
            if isinstance(area, boxes.FootnoteAreaBox) and area.children:
                room -= sum(k.margin_height() for k in area.children
                            if k.element.get('id') != note_id)
        room -= overhead
        lines = [box for box, _ in _walk(bodies[note_id]) if isinstance(box, boxes.LineBox)]
        fitting, used = [], 0.0
        for line in lines:
            used += line.height
            if used > room:
                break
            fitting.append(_text(line))
        if not fitting or len(fitting) == len(lines):
            continue
        anchor = _first_line(pages[number + 1], block_ids)
        if anchor is None:
            continue
        words = _words_in(fitting, _text(bodies[note_id]).split())
        splits.append(print_split.NoteSplit(note_id, words, *anchor))
    return splits


def reanchored(document: Any, splits: list[print_split.NoteSplit],
               block_ids: set[str]) -> list[print_split.NoteSplit]:
    """The cuts whose continuation is not on the page after the call, anchored anew."""
    call_pages: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for box, _ in _walk(page._page_box.children[0]):
            element = getattr(box, 'element', None)
            if getattr(box, 'footnote', None) is not None and element is not None:
                call_pages.setdefault(element.get('id'), number)
    moved = []
    for split in splits:
        here = call_pages.get(split.note_id)
        there = call_pages.get(split.note_id + print_split.CONTINUED)
        if here is None or there is None or there == here + 1 or here + 1 >= len(document.pages):
            continue
        anchor = _first_line(document.pages[here + 1]._page_box, block_ids)
        if anchor is not None:
            moved.append(dataclasses.replace(split, block_id=anchor[0], line_start=anchor[1]))
    return moved


def _words_in(lines: list[str], words: list[str]) -> int:
    """How many whole ``words`` the laid-out ``lines`` hold (a hyphenated end left out)."""
    chars = sum(len(re.sub(r'\s', '', line)) for line in lines)
    if lines[-1].rstrip().endswith(('\u2010', '-', '\u00ad')):
        chars -= 1
    count, total = 0, 0
    for word in words:
        total += len(word)
        if total > chars:
            break
        count += 1
    return count


def _first_line(page: Any, block_ids: set[str]) -> tuple[str, str] | None:
    """(id of the block, its text) at the first line of the page's main flow."""
    from weasyprint.formatting_structure import boxes

    for box, ancestors in _walk(page.children[0]):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            block = next((a.element.get('id') for a in reversed(ancestors)
                          if getattr(a, 'element', None) is not None
                          and a.element.get('id') in block_ids), None)
            return (block, box.text.strip()) if block else None
    return None


def blocks_at_page_foot(document: Any, notes: set[str], block_ids: set[str]) -> dict[str, bool]:
    """The blocks that end the pages where the calls of ``notes`` are, each with whether it is
    relaxed already (class ``loose``) and holds none of those calls.

    WeasyPrint 70, laying out a page whose last paragraph cannot break where it
    would (widows and orphans), makes room by moving the page's footnotes to the
    next page, leaving their calls behind. Relaxing that last paragraph's widows
    and orphans lets the page break there instead, and the notes stay. But a
    relaxed paragraph whose first line is the one that overflows does the same
    (WeasyPrint prefers moving notes to breaking before a paragraph's first line):
    such a paragraph is the culprit, not the cure.
    """
    found: dict[str, bool] = {}
    for page in document.pages:
        flow = page._page_box.children[0]
        calls = {box.element.get('id') for box, _ in _walk(flow)
                 if getattr(box, 'footnote', None) is not None and getattr(box, 'element', None) is not None}
        if not calls & notes:
            continue
        last = None
        for box, _ in _walk(flow):
            element = getattr(box, 'element', None)
            if element is not None and element.get('id') in block_ids:
                last = element
        if last is not None:
            relaxed = 'loose' in (last.get('class') or '').split()
            holds_call = any(kid.get('id') in notes for kid in last.iter() if isinstance(kid.tag, str))
            found[last.get('id')] = relaxed and not holds_call
    return found
