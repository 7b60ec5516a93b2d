"""Footnotes: taken from Python-Markdown's block, given to the chapters that cite them,
as EPUB 3 pop-ups, and numbered per chapter or through the book.

Python-Markdown numbers notes per file and puts them at the end of the file;
a file may hold several chapters and a chapter may span files, so each note
moves to the chapter that cites it and the numbers are set again.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

from makebook.model import EPUB_TYPE, XHTML_NS
from makebook.xhtml import element


def take_footnotes(body: etree._Element) -> etree._Element | None:
    """Remove Python-Markdown's footnote block; returns its <ol> (or None)."""
    for div in body.findall(f'{{{XHTML_NS}}}div'):
        if div.get('class') == 'footnote':
            body.remove(div)
            return div.find(f'{{{XHTML_NS}}}ol')
    return None


def keep_unreferenced(body: etree._Element, notes: etree._Element | None,
                      report: Callable[[str], None]) -> None:
    """A note no call refers to stays in the book as text at the end of the file's last
    chapter (a pop-up nothing opens would be lost to readers), and ``report(label)`` is told.

    Python-Markdown keeps every note it reads, cited or not; the book shows only cited
    ones as pop-ups, so the others would otherwise vanish without a word.
    """
    if notes is None:
        return
    cited = {ref.get('href', '')[1:] for ref in body.iter(f'{{{XHTML_NS}}}a')
             if ref.get('class') == 'footnote-ref'}
    for li in list(notes):
        note_id = li.get('id', '')
        if note_id in cited:
            continue
        notes.remove(li)
        report(note_id.removeprefix('fn-'))
        for backref in list(li.iter(f'{{{XHTML_NS}}}a')):
            if backref.get('class') == 'footnote-backref':
                _remove_keeping_tail(backref)
        kept = element('div')
        kept.set('class', 'unreferenced-note')
        kept.set('id', note_id)
        kept.text = li.text
        kept.extend(list(li))
        body.append(kept)


def _remove_keeping_tail(node: etree._Element) -> None:
    """Remove ``node``; the text after it joins what comes before, without the no-break
    space Python-Markdown puts before a backlink."""
    parent = node.getparent()
    assert parent is not None
    previous = node.getprevious()
    tail = node.tail or ''
    if previous is not None:
        previous.tail = ((previous.tail or '') + tail).rstrip('\u00a0 ')
    else:
        parent.text = ((parent.text or '') + tail).rstrip('\u00a0 ')
    parent.remove(node)


def distribute_footnotes(notes: etree._Element, sections: list[etree._Element]) -> None:
    """Give each note to the chapter that cites it, as an EPUB 3 pop-up <aside>.

    Notes are numbered per chapter, in the order they are first cited; a note
    cited twice keeps its number.
    """
    notes_by_id = {li.get('id'): li for li in notes}
    for section in sections:
        numbers: dict[str, int] = {}
        existing = section.find(f'{{{XHTML_NS}}}section[@class="footnotes"]')
        if existing is not None:  # a chapter continued from the previous file
            numbers = {aside.get('id', ''): n for n, aside in enumerate(existing, start=1)}
        for ref in list(section.iter(f'{{{XHTML_NS}}}a')):
            if ref.get('class') != 'footnote-ref':
                continue
            note_id = ref.get('href', '')[1:]
            number = numbers.setdefault(note_id, len(numbers) + 1)
            ref.text = str(number)
            _make_noteref(ref)
        asides = [_aside(notes_by_id[note_id], number) for note_id, number in numbers.items()
                  if note_id in notes_by_id and (existing is None or number > len(existing))]
        if not asides:
            continue
        if existing is None:
            existing = etree.SubElement(section, f'{{{XHTML_NS}}}section')
            existing.set('class', 'footnotes')
            existing.set(EPUB_TYPE, 'footnotes')
            existing.set('role', 'doc-endnotes')
        existing.extend(asides)
        section.append(existing)  # notes stay last, after any continued text


def number_footnotes(sections: list[etree._Element], scheme: str) -> None:
    """Number note references and notes in reading order, restarting per chapter or not.

    Python-Markdown numbers per file; a file may hold several chapters and a
    chapter may span files, so the numbers are set again here, the same in the
    reference and in the note's backlink.
    """
    number = 0
    for section in sections:
        if scheme != 'book':
            number = 0
        notes = {aside.get('id'): aside for aside in section.iter(f'{{{XHTML_NS}}}aside')}
        given: dict[str, str] = {}
        for ref in section.iter(f'{{{XHTML_NS}}}a'):
            if ref.get(EPUB_TYPE) != 'noteref':
                continue
            target = ref.get('href', '')[1:]
            if target not in given:
                number += 1
                given[target] = str(number)
                backlink = next((a for a in notes[target].iter(f'{{{XHTML_NS}}}a')
                                 if a.get('role') == 'doc-backlink'), None) if target in notes else None
                if backlink is not None:
                    backlink.text = f'{number}.'
            ref.text = given[target]


def _make_noteref(ref: etree._Element) -> None:
    """<sup id=r><a href=#n>1</a></sup> becomes <a id=r href=#n epub:type=noteref>1</a>.

    Apple Books fails to pop up a note when <sup> sits inside the link (pandoc
    #1995), so the link carries the id and the superscript is done in CSS.
    """
    sup = ref.getparent()
    if sup is None or sup.tag != f'{{{XHTML_NS}}}sup':
        return
    ref.set('id', sup.get('id', ''))
    ref.set('class', 'noteref')
    ref.set(EPUB_TYPE, 'noteref')
    ref.set('role', 'doc-noteref')
    ref.tail = sup.tail
    parent = sup.getparent()
    assert parent is not None  # the <sup> is inside the chapter's <section>
    parent.replace(sup, ref)


def _aside(li: etree._Element, number: int) -> etree._Element:
    """A footnote in the shape pandoc settled on (PR #8676): backlink first, then text."""
    aside = element('aside')
    aside.set('id', li.get('id', ''))  # Python-Markdown gives every note an id
    aside.set('class', 'footnote')
    aside.set(EPUB_TYPE, 'footnote')
    aside.set('role', 'doc-footnote')
    back_href = resolved = None
    content = copy.deepcopy(li)
    # A note cited twice has a backlink to each call; the pop-up keeps the first (both
    # calls open the same note), and the others would be links with no text.
    for backref in [a for a in content.iter(f'{{{XHTML_NS}}}a') if a.get('class') == 'footnote-backref']:
        if back_href is None:
            back_href = backref.get('href')
            # ids.claim_all marked it when it renamed the note's call ('#fnref-1-2' when
            # another file has a '[^1]' too): the link is right and must not be looked up again.
            resolved = backref.get('data-resolved')
        _remove_keeping_tail(backref)
    aside.text = content.text
    aside.extend(list(content))
    backlink = element('a')
    backlink.set('href', back_href or '#')
    backlink.set('class', 'footnote-back')
    backlink.set('role', 'doc-backlink')
    if resolved is not None:
        backlink.set('data-resolved', resolved)
    backlink.text = f'{number}.'
    backlink.tail = ' '
    first = aside[0] if len(aside) and aside[0].tag == f'{{{XHTML_NS}}}p' else None
    if first is not None:
        backlink.tail = ' ' + (first.text or '')
        first.text = None
        first.insert(0, backlink)
    else:
        backlink.tail = ' ' + (aside.text or '')
        aside.text = None
        aside.insert(0, backlink)
    return aside
