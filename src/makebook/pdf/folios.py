"""The body's folios, printed when the pieces are joined (issue 13).

A body piece is laid out as if it were the book's first (:mod:`~makebook.pdf.pieces`): its
layout does not depend on how many pages come before it, so the pieces can be laid out at the
same time, and an edit that adds a page to one chapter does not make every later chapter new.
Its folios are laid out (the engine reads which pages carry one) but hidden; the book's own
numbers are printed over them when the pieces are joined (:func:`~makebook.pdf.join.join`).

They are cut from *folio sheets*: WeasyPrint lays out pages with nothing on them but the
bottom margin's folio, by the book's own stylesheets (the same face, size, place, colour), page
``n`` of the book on page ``n``'s side of the spread. A sheet holds :data:`PER_SHEET` numbers and
is kept in the cache (it depends on the stylesheets only): a rebuild makes a sheet only for
numbers no build has printed before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

# Numbers per sheet (an even number, so that every sheet starts on a recto, as page 1 does).
PER_SHEET = 64
# The rules a sheet adds to the book's stylesheets: its pages carry the folio and nothing else.
SHEET_CSS = ('@page { marks: none !important; @top-center { content: none !important; } }\n'
             '@page :first { counter-reset: page %d; }\n'
             'div.mb-folio { height: 1px; }\n'
             'div.mb-folio + div.mb-folio { break-before: page; }\n')


@dataclass(frozen=True)
class Stamp:
    """A folio to print: on the joined PDF's page ``page`` (0-based), the book's page ``number``."""

    page: int
    number: int

    @property
    def sheet(self) -> int:
        """The first number of the sheet that holds this one."""
        return (self.number - 1) // PER_SHEET * PER_SHEET + 1


def stamps(folios: Sequence[str | None], body_start: int) -> list[Stamp]:
    """The body's folios (arabic, from ``body_start``, the index of the body's first page)."""
    return [Stamp(index, int(folio)) for index, folio in enumerate(folios)
            if index >= body_start and folio is not None and folio.isdigit()]


def sheet_html(language: str, right_to_left: bool = False) -> str:
    """The HTML of a sheet: :data:`PER_SHEET` empty pages (a right-to-left book's first page is
    a left-hand one, as its pieces' are)."""
    pages = '<div class="mb-folio"></div>' * PER_SHEET
    direction = ' dir="rtl"' if right_to_left else ''
    return f'<html lang="{escape(language)}"{direction}><body>{pages}</body></html>'


def sheet_css(first: int) -> str:
    """The rules of the sheet whose first number is ``first``."""
    return SHEET_CSS % first


def render_sheet(weasyprint: Any, setup: Any, language: str, right_to_left: bool, first: int) -> bytes:
    """The PDF of one sheet, laid out by the book's stylesheets (``setup``: engine._Setup).
    Untagged: the join marks the folios as artifacts, as page furniture is."""
    extra = weasyprint.CSS(string=sheet_css(first), font_config=setup.fonts)
    document = weasyprint.HTML(string=sheet_html(language, right_to_left)).render(
        stylesheets=[*setup.stylesheets, extra], font_config=setup.fonts, color_profiles=setup.profiles,
        pdf_variant=setup.settings.variant, pdf_tags=False)
    written: bytes = document.write_pdf(pdf_variant=setup.settings.variant, pdf_tags=False)
    return written
