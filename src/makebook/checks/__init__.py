"""Stage 4: whole-book checks, run after every chapter is rendered and before anything is written.

Each check is a function from the :class:`~makebook.model.RenderedBook` to
its diagnostics, registered in :data:`CHECKS` with the codes it reports
(codes.py gives each code its severity and hint) and the editions it matters
for: a check for the PDF alone (a character none of the print faces has)
runs only when the PDF is asked for.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from makebook import codes
from makebook.checks import author, book, glyphs, running_heads
from makebook.checks.author import blocks_read_once
from makebook.codes import Code
from makebook.errors import Diagnostic, Severity
from makebook.model import FORMATS, Ignore, RenderedBook


@dataclass(frozen=True, slots=True)
class Check:
    run: Callable[[RenderedBook], list[Diagnostic]]
    reports: tuple[Code, ...]  # the codes it may report
    formats: tuple[str, ...] = FORMATS  # the editions it matters for
    author: bool = False  # a copy-editor's check: make-book check runs it, a build does not


CHECKS: tuple[Check, ...] = (
    Check(book.unique_ids, (codes.DUPLICATE_BOOK_ID,)),
    Check(book.well_formed, (codes.NOT_WELL_FORMED,)),
    Check(book.no_empty_chapters, (codes.EMPTY_CHAPTER,)),
    Check(glyphs.characters_in_fallback_faces, (codes.FALLBACK_GLYPH,)),
    Check(glyphs.every_character_has_a_face, (codes.MISSING_GLYPH,), formats=('pdf',)),
    Check(running_heads.titles_fit_their_running_heads, (codes.LONG_RUNNING_HEAD,), formats=('pdf',)),
    Check(author.headings_in_order, (codes.SKIPPED_HEADING_LEVEL,), author=True),
    Check(author.unique_chapter_titles, (codes.DUPLICATE_CHAPTER_TITLE,), author=True),
    Check(author.balanced_quotes, (codes.UNBALANCED_QUOTES,), author=True),
    Check(author.curled_quotes, (codes.STRAIGHT_QUOTES,), author=True),
    Check(author.ellipses, (codes.DOTS_FOR_ELLIPSIS,), author=True),
    Check(author.dashes, (codes.SPACED_HYPHEN,), author=True),
    Check(author.paragraph_length, (codes.LONG_PARAGRAPH,), author=True),
)


def check_book(rendered: RenderedBook, formats: Iterable[str] = FORMATS,
               author: bool = False) -> list[Diagnostic]:
    """Every problem in the book: those found while rendering, then the whole-book checks
    that matter for ``formats`` (and, with ``author``, the copy-editor's checks)."""
    wanted = set(formats)
    problems = list(rendered.diagnostics)
    with blocks_read_once(rendered) if author else contextlib.nullcontext():
        for check in CHECKS:
            if wanted & set(check.formats) and (author or not check.author):
                problems.extend(check.run(rendered))
    return problems


def without_ignored(problems: Iterable[Diagnostic], ignores: Iterable[Ignore],
                    root: Path) -> list[Diagnostic]:
    """``problems`` less the warnings the book's ``make-book: ignore:`` list names (errors stay:
    a book cannot be made with them)."""
    ignores = tuple(ignores)
    return [problem for problem in problems if not any(_ignores(i, problem, root) for i in ignores)]


def _ignores(ignore: Ignore, problem: Diagnostic, root: Path) -> bool:
    if problem.code != ignore.code or problem.severity is not Severity.WARNING:
        return False
    if ignore.files is None:
        return True
    if problem.path is None:
        return False
    try:
        name = problem.path.resolve().relative_to(root).as_posix()
    except ValueError:
        return False
    return fnmatch.fnmatch(name, ignore.files)
