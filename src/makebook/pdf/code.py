"""Code in the print edition: long lines wrapped with a mark, inline code broken between names.

A code block cannot scroll on paper. WeasyPrint's ``pre-wrap`` would wrap a
long line at any space and show nothing, so a reader cannot tell a wrapped line
from two lines. Here each line longer than the block's measure (the code face
is monospaced, so the measure is a number of columns) is broken at a space or
after punctuation, a mark (↘, which the code face has) ends the broken part,
and the rest continues indented under the line's own indentation.

Inline code may break only between names (after ``.``, ``::``, ``/``, ``(``,
``,``...), never inside one: WeasyPrint breaks a ``<wbr>`` there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from makebook.model import XHTML_NS

_X = f'{{{XHTML_NS}}}'
WRAP_MARK = '\u2198'  # ↘: the line goes on below
# Source Code Pro's advance is 600 units of 1000 per em.
ADVANCE_EM = 0.6
# print.css: a code block's size, and how far highlighted blocks are inset (padding, rule).
CODE_SIZE_PT = 8.2
_HIGHLIGHT_INSET_PT = 0.6 * CODE_SIZE_PT + 1.0
# print.css: how far each container insets its content (points, both sides together).
_INSETS = {'li': 15.75, 'blockquote': 29.4, 'aside': 22.5, 'dd': 15.75}
_CONTINUATION_INDENT = 2
# Inline code breaks after these when a name follows.
_INLINE_BREAK = re.compile(r'(?<=[\w)\]])(::|[./(,=&|?:])(?=[\w$@~<\'"*(\[{-])')


def columns(width_pt: float, pre: etree._Element) -> int | None:
    """How many characters a line of the code block holds, or None where that is unknown
    (a block in a table cell or a note)."""
    inset = _HIGHLIGHT_INSET_PT if _in_highlight(pre) else 0.0
    for ancestor in pre.iterancestors():
        local = etree.QName(ancestor).localname
        classes = (ancestor.get('class') or '').split()
        if local in ('td', 'th') or 'footnote' in classes:
            return None
        inset += _INSETS.get(local, 0.0)
    return max(20, int((width_pt - inset) / (ADVANCE_EM * CODE_SIZE_PT)) - 1)


def _in_highlight(pre: etree._Element) -> bool:
    parent = pre.getparent()
    return parent is not None and 'highlight' in (parent.get('class') or '').split()


def wrap_code_blocks(body: etree._Element, width_pt: float) -> None:
    """Wrap every code block's long lines to its measure, each break marked."""
    for pre in list(body.iter(f'{_X}pre')):
        limit = columns(width_pt, pre)
        if limit is not None:
            wrap_lines(pre, limit)


def wrap_lines(pre: etree._Element, limit: int) -> None:
    """Break each line of ``pre`` longer than ``limit`` characters (markup inside kept)."""
    text = ''.join(value for _, _, value in _slots(pre))
    cuts: list[tuple[int, str]] = []  # (offset in text, the indentation the rest gets)
    offset = 0
    for line in text.split('\n'):
        indent = len(line) - len(line.lstrip(' '))
        indent = indent if indent < limit // 2 else 0
        start = 0
        while len(line) - start > (limit if start == 0 else limit - indent - _CONTINUATION_INDENT):
            room = limit - 1 if start == 0 else limit - 1 - indent - _CONTINUATION_INDENT
            cut = _cut(line, start, room)
            cuts.append((offset + cut, ' ' * (indent + _CONTINUATION_INDENT)))
            start = cut
            while start < len(line) and line[start] == ' ':
                start += 1
        offset += len(line) + 1
    for where, continuation in reversed(cuts):
        _insert_wrap(pre, where, continuation)


def _cut(line: str, start: int, room: int) -> int:
    """Where to break ``line`` after ``start`` so that at most ``room`` characters stay:
    after the last space, else after punctuation, in the second half; else at ``room``."""
    end = start + room
    window = line[start:end]
    space = window.rfind(' ')
    if space >= room // 2:
        return start + space + 1
    punctuation = max(window.rfind(c) for c in ',;({[.')
    if punctuation >= room // 2:
        return start + punctuation + 1
    return end


def _slots(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(node, 'text'|'tail', value) of every text under ``root``, in reading order."""
    def walk(node: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
        yield node, 'text', node.text or ''
        for kid in node:
            if isinstance(kid.tag, str):
                yield from walk(kid)
            yield kid, 'tail', kid.tail or ''
    yield from walk(root)


def _insert_wrap(pre: etree._Element, where: int, indent: str) -> None:
    """Put the wrap mark, a line break and ``indent`` at character ``where`` of ``pre``'s text."""
    seen = 0
    for node, slot, value in list(_slots(pre)):
        if seen + len(value) >= where and (value or seen == where):
            cut = where - seen
            head, tail = value[:cut].rstrip(' '), value[cut:]
            mark = etree.Element(f'{_X}span')
            mark.set('class', 'code-wrap')
            mark.text = WRAP_MARK
            mark.tail = '\n' + indent + tail
            setattr(node, slot, head)
            if slot == 'text':
                node.insert(0, mark)
            else:
                node.addnext(mark)
            return
        seen += len(value)


def break_inline_code(body: etree._Element) -> None:
    """Let inline code break between names only: a ``<wbr>`` after each separator."""
    for code in list(body.iter(f'{_X}code')):
        parent = code.getparent()
        if parent is None or etree.QName(parent).localname == 'pre' or len(code):
            continue
        text = code.text or ''
        pieces = _INLINE_BREAK.split(text)
        if len(pieces) == 1:
            continue
        # split() with one group alternates text and separator: join each separator to the text before.
        chunks = [pieces[0]]
        for index in range(1, len(pieces), 2):
            chunks[-1] += pieces[index]
            chunks.append(pieces[index + 1])
        code.text = chunks[0]
        for chunk in chunks[1:]:
            etree.SubElement(code, f'{_X}wbr').tail = chunk
