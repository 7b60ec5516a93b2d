"""XHTML shared by the stages: elements, whole documents, the title and copyright pages.

The writers differ only in where a ``#id`` link points (another file in the
EPUB, the same page in the PDF and web edition), so chapter bodies are stored
with ``#id`` links and :func:`relink` rewrites them per output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence

from lxml import etree

from makebook.model import EPUB_NS, NSMAP, XHTML_NS, XML_NS, Chapter, Metadata, TocNode

_DOCTYPE = '<!DOCTYPE html>'


def element(tag: str, text: str | None = None, /, **attributes: str) -> etree._Element:
    """An XHTML element; ``class_`` stands for ``class`` and ``epub_type`` for epub:type."""
    # lxml-stubs type nsmap as Mapping[str, str]; lxml takes None for the default namespace.
    node = etree.Element(f'{{{XHTML_NS}}}{tag}', nsmap=NSMAP)  # type: ignore[arg-type]
    for name, value in attributes.items():
        node.set(_attribute(name), value)
    node.text = text
    return node


def child(parent: etree._Element, tag: str, text: str | None = None, /,
          **attributes: str) -> etree._Element:
    node = etree.SubElement(parent, f'{{{XHTML_NS}}}{tag}')
    for name, value in attributes.items():
        node.set(_attribute(name), value)
    node.text = text
    return node


def plain_text(node: etree._Element) -> str:
    """The element's text with whitespace folded: for titles and labels."""
    return fold_spaces(text_content(node))


def fold_spaces(text: str) -> str:
    """``text`` with runs of spaces, tabs and line breaks made one space, as HTML shows them;
    no-break spaces are kept (a French title's ' ?' must not break in a table of contents)."""
    return ' '.join(_BREAKABLE_SPACES.split(text)).strip(' ')


_BREAKABLE_SPACES = re.compile(r'[ \t\n\r\f]+')


def text_content(node: etree._Element) -> str:
    """All the text inside the element, as written (its tail left out)."""
    # lxml yields str; its stubs say str | bytes.
    return ''.join(text if isinstance(text, str) else text.decode() for text in node.itertext())


def remove_keeping_tail(node: etree._Element, tail: str | None = None) -> None:
    """Remove ``node`` (not its tail: ``tail`` instead when given); the tail joins the text
    before it."""
    parent = node.getparent()
    assert parent is not None  # a node inside a tree
    text = (node.tail or '') if tail is None else tail
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or '') + text
    else:
        parent.text = (parent.text or '') + text
    parent.remove(node)


def _attribute(name: str) -> str:
    if name == 'epub_type':
        return f'{{{EPUB_NS}}}type'
    if name == 'aria_label':
        return 'aria-label'
    return name.rstrip('_')


def chapter_element(chapter: Chapter) -> etree._Element:
    """A fresh, mutable copy of the chapter's <section>."""
    return etree.fromstring(chapter.body)


# An in-book link in a chapter's markup, as lxml writes it (ids never need escaping).
_IN_BOOK_LINK = re.compile(r'href="#([^"]+)"')


def link_targets(markup: str) -> list[str]:
    """The ids a chapter's in-book links name, in order, found in its markup without parsing it
    (a cached page's key names where each leads)."""
    return _IN_BOOK_LINK.findall(markup)


def undated(metadata: Metadata) -> Metadata:
    """The metadata as an EPUB chapter or a web page shows it: without the date, which every
    save changes and no such page prints (a cached page's key names the rest)."""
    return dataclasses.replace(metadata, modified=_EPOCH)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def relink(tree: etree._Element, href_for: Callable[[str], str]) -> None:
    """Point every in-book '#id' link where this output keeps that id."""
    for link in tree.iter(f'{{{XHTML_NS}}}a'):
        href = link.get('href', '')
        if href.startswith('#') and len(href) > 1:
            link.set('href', href_for(href[1:]))


def document(
    metadata: Metadata,
    title: str,
    body: Iterable[etree._Element],
    stylesheets: Iterable[str] = (),
    body_attributes: dict[str, str] | None = None,
    head_extra: Iterable[etree._Element] = (),
) -> bytes:
    """A complete, well-formed XHTML5 document in the book's language."""
    root = element('html', lang=metadata.language)
    root.set(f'{{{XML_NS}}}lang', metadata.language)
    if metadata.direction == 'rtl':
        root.set('dir', 'rtl')
    head = child(root, 'head')
    child(head, 'meta', charset='utf-8')
    child(head, 'title', title)
    head.extend(head_extra)
    for href in stylesheets:
        child(head, 'link', rel='stylesheet', type='text/css', href=href)
    body_element = child(root, 'body', **(body_attributes or {}))
    for node in body:
        body_element.append(node)
    markup = etree.tostring(root, encoding='unicode')
    return f'<?xml version="1.0" encoding="utf-8"?>\n{_DOCTYPE}\n{markup}\n'.encode()


def labelled(node: etree._Element, metadata: Metadata, key: str) -> etree._Element:
    """``node``, holding the label ``key``, marked with the label's language where it is not
    the book's: English words in a book whose language has no table (WCAG 3.1.2)."""
    lang = metadata.labels.lang_of(key)
    if lang.split('-')[0].lower() != metadata.language.split('-')[0].lower():
        node.set('lang', lang)
        node.set(f'{{{XML_NS}}}lang', lang)
        if metadata.direction == 'rtl':
            node.set('dir', 'ltr')
    return node


def title_page(metadata: Metadata) -> etree._Element:
    """Title, subtitle and authors, then the translator, editor and illustrator each with their
    role ("Translated from the Swedish by …"), then the publisher: a titlepage section."""
    section = element('section', class_='titlepage', epub_type='titlepage', id='titlepage')
    child(section, 'h1', metadata.title, class_='title')
    if metadata.subtitle:
        child(section, 'p', metadata.subtitle, class_='subtitle')
    child(section, 'p', metadata.author_line, class_='author')
    for key, text in contributor_lines(metadata):
        labelled(child(section, 'p', text, class_='contributor'), metadata, key)
    if metadata.publisher:
        child(section, 'p', metadata.publisher, class_='publisher')
    return section


_ROLE_LABELS = {'edt': 'edited-by', 'trl': 'translated-by', 'ill': 'illustrated-by'}


def contributor_lines(metadata: Metadata) -> list[tuple[str, str]]:
    """(label key, line) naming each contributor with their role, translators first."""
    labels = metadata.labels
    lines = []
    for role in ('trl', 'edt', 'ill'):
        names = [a.name for a in metadata.contributors if a.role == role]
        if not names:
            continue
        key = _ROLE_LABELS[role]
        language = metadata.original_language_name
        if role == 'trl' and language and 'translated-from' not in labels.english:
            lines.append(('translated-from', labels('translated-from', language=language,
                                                    name=labels.join(names, 'translated-from'))))
            continue
        lines.append((key, labels(key, name=labels.join(names, key))))
    return lines


def copyright_page(metadata: Metadata, typefaces: Sequence[str] = (),
                   licences: Sequence[str] = ('SIL Open Font License 1.1',)) -> etree._Element:
    """The verso of the title page, as trade books print it (its foot, print.css): when and by
    whom the book was first published, the rights, the series, the ISBN hyphenated, and the
    typefaces it is set in; an identifier only where it means something to a reader (never a
    urn:uuid). ``typefaces`` names the faces, where the edition does not credit them itself,
    ``licences`` the licences they are used under."""
    section = element('section', class_='copyright', epub_type='copyright-page', id='copyright')
    labels = metadata.labels
    lines: list[tuple[str | None, str | None]] = []  # (label key or None, text)
    year = (metadata.date or '')[:4]
    if year.isdigit():
        lines.append(('first-published-by', labels('first-published-by', year=year,
                                                   publisher=metadata.publisher))
                     if metadata.publisher else ('first-published', labels('first-published', year=year)))
    elif metadata.publisher:
        lines.append((None, metadata.publisher))
    lines.append((None, metadata.rights))
    if metadata.series:
        lines.append(('series-book', labels('series-book', series=metadata.series, n=metadata.series_index))
                     if metadata.series_index else (None, metadata.series))
    if metadata.isbn:
        lines.append(('isbn', labels('isbn', isbn=metadata.isbn_printed or metadata.isbn)))
    elif not metadata.identifier.lower().startswith('urn:uuid:'):
        lines.append(('identifier', labels('identifier', identifier=metadata.identifier)))
    if typefaces:
        lines.append(('set-in', labels('set-in', faces=labels.join(list(typefaces), 'set-in'),
                                       licence=labels.join(list(licences), 'set-in'))))
    for key, text in lines:
        if text:
            line = child(section, 'p', text)
            if key is not None:
                labelled(line, metadata, key)
    return section


def check_well_formed(markup: bytes) -> str | None:
    """None if ``markup`` parses as strict XML, else the parser's message with its line."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.fromstring(markup, parser)
    except etree.XMLSyntaxError as exc:
        return f'line {exc.lineno}: {exc.msg}'
    return None


def toc_entry(entries: etree._Element, node: TocNode, href: Callable[[Chapter, str], str]) -> None:
    """A chapter's contents entry: under it its sections, then its sub-chapters (reading order).

    ``href(chapter, id)`` says where an id of that chapter lives in this edition.
    """
    chapter, subchapters = node
    item = child(entries, 'li')
    child(item, 'a', chapter.title, href=href(chapter, chapter.id))
    if chapter.sections or subchapters:
        nested = child(item, 'ol')
        for section in chapter.sections:
            child(child(nested, 'li'), 'a', section.title, href=href(chapter, section.id))
        for subchapter in subchapters:
            toc_entry(nested, subchapter, href)
