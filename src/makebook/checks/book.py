"""Checks of the book as a whole: ids, well-formed chapters, chapters with no text."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import XHTML_NS, RenderedBook
from makebook.xhtml import chapter_element, check_well_formed, document, text_content


def unique_ids(book: RenderedBook) -> list[Diagnostic]:
    """An id used twice would make links (and the PDF's one document) ambiguous."""
    counts = Counter(i for chapter in book.chapters for i in chapter.ids)
    return [codes.DUPLICATE_BOOK_ID(f"the id '{element_id}' is used {count} times in the book")
            for element_id, count in counts.items() if count > 1]


def well_formed(book: RenderedBook) -> list[Diagnostic]:
    """Every chapter parses as strict XML (an EPUB reader refuses one that does not)."""
    problems = []
    for chapter in book.chapters:
        try:
            markup = document(book.metadata, chapter.title, [chapter_element(chapter)])
        except etree.XMLSyntaxError as exc:  # the body itself does not parse
            problem: str | None = f'line {exc.lineno}: {exc.msg}'
        else:
            problem = check_well_formed(markup)
        if problem is not None:
            problems.append(codes.NOT_WELL_FORMED(f"chapter '{chapter.title}' is not well-formed "
                                                  f'XHTML ({problem})', book.root / chapter.source))
    return problems


def no_empty_chapters(book: RenderedBook) -> list[Diagnostic]:
    """A heading with nothing under it is usually a chapter not yet written."""
    problems = []
    for chapter in book.chapters:
        try:
            section = chapter_element(chapter)
        except etree.XMLSyntaxError:
            continue  # reported by well_formed
        heading = section.find(f'{{{XHTML_NS}}}h1')
        text = text_content(section).replace(text_content(heading) if heading is not None else '', '', 1)
        if not text.strip():
            problems.append(codes.EMPTY_CHAPTER(f"chapter '{chapter.title}' has a heading but no text",
                                                book.root / chapter.source))
    return problems
