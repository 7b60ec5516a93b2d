"""Stage 4: whole-book checks, run after every chapter is rendered and before anything is written.

Each check is a function from the :class:`~makebook.model.RenderedBook` to
its diagnostics, registered in :data:`CHECKS` with the codes it reports
(codes.py gives each code its severity and hint) and the editions it matters
for: a check for the PDF alone (a character none of the print faces has)
runs only when the PDF is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from makebook import codes
from makebook.checks import book, glyphs
from makebook.codes import Code
from makebook.errors import Diagnostic
from makebook.model import FORMATS, RenderedBook


@dataclass(frozen=True, slots=True)
class Check:
    run: Callable[[RenderedBook], list[Diagnostic]]
    reports: tuple[Code, ...]  # the codes it may report
    formats: tuple[str, ...] = FORMATS  # the editions it matters for


CHECKS: tuple[Check, ...] = (
    Check(book.unique_ids, (codes.DUPLICATE_BOOK_ID,)),
    Check(book.well_formed, (codes.NOT_WELL_FORMED,)),
    Check(book.no_empty_chapters, (codes.EMPTY_CHAPTER,)),
    Check(glyphs.characters_in_fallback_faces, (codes.FALLBACK_GLYPH,)),
    Check(glyphs.every_character_has_a_face, (codes.MISSING_GLYPH,), formats=('pdf',)),
)


def check_book(rendered: RenderedBook, formats: Iterable[str] = FORMATS) -> list[Diagnostic]:
    """Every problem in the book: those found while rendering, then the whole-book checks
    that matter for ``formats``."""
    wanted = set(formats)
    problems = list(rendered.diagnostics)
    for check in CHECKS:
        if wanted & set(check.formats):
            problems.extend(check.run(rendered))
    return problems
