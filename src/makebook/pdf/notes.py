"""Notes in the print edition: at the foot of the page, or as endnotes.

The rendered chapters carry their notes as EPUB 3 pop-ups: a ``<section
class="footnotes">`` of ``<aside>`` elements at the end of the chapter, cited
by ``<a class="noteref">`` links. The EPUB keeps that; for the PDF this module
rewrites a copy of each chapter:

* ``footnotes``: each note's body moves to its call, as a ``<span
  class="footnote">`` that print.css floats to the page foot (``float:
  footnote``). The call link and the note's own number are dropped, because
  WeasyPrint numbers the call and the marker itself; leaving them in prints
  stray numbers (WeasyPrint #2062). The body must be inline (a span), never a
  block, or the HTML parser closes the paragraph at the call (WeasyPrint
  #1833): a note's paragraphs become ``<span class="footnote-para">``.
* ``chapter-endnotes``: the notes stay at the end of their chapter, headed.
* ``book-endnotes``: every chapter's notes move to one Notes section at the end.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from makebook.model import XHTML_NS
from makebook.xhtml import fold_spaces, remove_keeping_tail

_X = f'{{{XHTML_NS}}}'
# Elements an inline note may hold as they are; anything else becomes a span.
_INLINE = {'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'dfn', 'em', 'i', 'kbd',
           'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var'}


def _classes(node: etree._Element) -> list[str]:
    return (node.get('class') or '').split()


def notes_block(section: etree._Element) -> etree._Element | None:
    """The chapter's ``<section class="footnotes">``, if it has one."""
    for block in section.iter(f'{_X}section'):
        if 'footnotes' in _classes(block):
            return block
    return None


def footnotes_at_page_foot(section: etree._Element) -> int:
    """Move each note of a chapter to its call; returns how many notes moved."""
    block = notes_block(section)
    if block is None:
        return 0
    notes = {aside.get('id'): aside for aside in block.iter(f'{_X}aside')}
    moved = 0
    for ref in list(section.iter(f'{_X}a')):
        if 'noteref' not in _classes(ref):
            continue
        aside = notes.get(ref.get('href', '')[1:])
        if aside is None:
            continue
        # A note cited twice is printed at its first call; later calls keep a link.
        if aside.get('data-placed'):
            continue
        aside.set('data-placed', '1')
        _label_heading(ref)
        _replace_keeping_tail(ref, _inline_note(aside))
        moved += 1
    _remove(block)
    return moved


def _label_heading(ref: etree._Element) -> None:
    """A heading that calls a note keeps its own text as its PDF bookmark label.

    Its label would otherwise be the heading's whole content, the note's
    number and text included; print.css reads ``data-label``.
    """
    heading = next((a for a in ref.iterancestors()
                    if etree.QName(a).localname in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6')), None)
    if heading is None or heading.get('data-label'):
        return
    heading.set('data-label', text_without_notes(heading))


def _parent(node: etree._Element) -> etree._Element:
    """The parent of a node below the chapter's <section>: a note call, a note's backlink,
    or the notes block (a ``<section class="footnotes">`` inside the chapter, never the
    chapter itself, whose class is 'chapter ...')."""
    parent = node.getparent()
    assert parent is not None
    return parent


def _remove(node: etree._Element) -> None:
    _parent(node).remove(node)


def _replace_keeping_tail(old: etree._Element, new: etree._Element) -> None:
    new.tail = old.tail
    _parent(old).replace(old, new)


def _inline_note(aside: etree._Element) -> etree._Element:
    """The note's text as one inline ``<span class="footnote">``, without its number."""
    note = etree.Element(f'{_X}span')
    note.set('class', 'footnote')
    note.set('id', aside.get('id', ''))
    content = copy.deepcopy(aside)
    for back in list(content.iter(f'{_X}a')):
        if 'footnote-back' in _classes(back):
            _drop_keeping_text(back, strip_leading=True)
    blocks = [node for node in content if isinstance(node.tag, str)]
    if (content.text or '').strip() or not blocks:
        note.text = (content.text or '').lstrip()
        note.extend(list(content))
        _inline_all(note)
        return note
    for index, block in enumerate(blocks):
        para = etree.SubElement(note, f'{_X}span')
        para.set('class', 'footnote-para' if index else 'footnote-para first')
        para.text = (block.text or '').lstrip() if index == 0 else block.text
        para.extend(list(block))
    _inline_all(note)
    return note


def _drop_keeping_text(node: etree._Element, strip_leading: bool = False) -> None:
    """Remove ``node`` (not its tail); the tail joins the previous text."""
    tail = node.tail or ''
    remove_keeping_tail(node, tail.lstrip() if strip_leading else tail)


def _inline_all(note: etree._Element) -> None:
    """Block elements inside a note become spans so the note stays inline."""
    for node in note.iter():
        if not isinstance(node.tag, str) or node is note:
            continue
        local = etree.QName(node).localname
        if local not in _INLINE:
            node.set('class', f'footnote-{local} {node.get("class") or ""}'.strip())
            node.tag = f'{_X}span'


def head_chapter_notes(section: etree._Element, title: str = 'Notes') -> None:
    """Give a chapter's endnotes a heading (the EPUB shows them as pop-ups instead)."""
    block = notes_block(section)
    if block is not None:
        heading = etree.Element(f'{_X}h2')
        heading.set('class', 'notes-title')
        heading.text = title
        block.insert(0, heading)


def collect_book_notes(sections: Iterable[tuple[etree._Element, str]],
                       title: str = 'Notes') -> etree._Element | None:
    """Take every chapter's notes into one back-matter section (None if there are none).

    ``sections`` pairs each chapter's tree with its title, which heads its notes.
    """
    endnotes = etree.Element(f'{_X}section')
    endnotes.set('class', 'chapter unnumbered endnotes')
    endnotes.set('id', 'book-notes-section')
    heading = etree.SubElement(endnotes, f'{_X}h1')
    heading.set('id', 'book-notes')
    heading.text = title
    found = False
    for section, chapter_title in sections:
        block = notes_block(section)
        if block is None:
            continue
        _remove(block)
        subhead = etree.SubElement(endnotes, f'{_X}h2')
        subhead.set('class', 'notes-chapter')
        subhead.text = chapter_title
        block.set('class', 'footnotes')
        if lang := section.get('lang'):  # a French chapter's notes stay French (hyphenation)
            block.set('lang', lang)
        endnotes.append(block)
        found = True
    return endnotes if found else None


def text_without_notes(element: etree._Element) -> str:
    """The element's text, whitespace folded, leaving out note calls and note bodies."""
    def is_note(node: etree._Element) -> bool:
        return isinstance(node.tag, str) and bool({'noteref', 'footnote'} & set(_classes(node)))

    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not is_note(node):
            parts.append(node.text or '')
            for kid in node:
                walk(kid)
        if node is not element:
            parts.append(node.tail or '')
    walk(element)
    return fold_spaces(''.join(parts))
