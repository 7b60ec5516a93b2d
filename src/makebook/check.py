"""Stage 4: whole-book checks, run after every chapter is rendered and before anything is written."""

from __future__ import annotations

from collections import Counter

from makebook.errors import Diagnostic, error, warning
from makebook.render import RenderedBook
from makebook.xhtml import chapter_element, check_well_formed, document


def check_book(book: RenderedBook) -> list[Diagnostic]:
    """Every problem in the book: those found while rendering, then whole-book ones."""
    problems = list(book.diagnostics)
    root = book.root
    counts = Counter(i for chapter in book.chapters for i in chapter.ids)
    for element_id, count in counts.items():
        if count > 1:
            problems.append(error(f"the id '{element_id}' is used {count} times in the book"))
    for chapter in book.chapters:
        path = root / chapter.source
        markup = document(book.metadata, chapter.title, [chapter_element(chapter)])
        problem = check_well_formed(markup)
        if problem is not None:
            problems.append(error(f"chapter '{chapter.title}' is not well-formed XHTML "
                                  f'({problem})', path))
        text = ''.join(chapter_element(chapter).itertext()).replace(chapter.title, '', 1)
        if not text.strip():
            problems.append(warning(f"chapter '{chapter.title}' has a heading but no text", path))
    return problems
