"""Page geometry that depends on the book: trim, margins, the gutter, running-head room.

Margins are designed for the 5.5in x 8.5in trim and scale with the trim; the
inner margin (the gutter) widens as the page count grows, since a thick
book's spine eats more of it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from makebook.config.trim import inches
from makebook.model import RenderedBook, TrimSize
from makebook.theme import cjk
from makebook.theme.page import BASE, running_head

# Margins (inches) designed for the 5.5in x 8.5in trim, outer at least inner (theme/page.py).
_BASE = BASE
# Extra gutter by page count: a thick book's spine eats more of the inner margin
# (the print-on-demand minimums step up at about 150, 300, 500 and 700 pages).
GUTTER_STEPS = ((150, 0.0), (300, 0.125), (500, 0.25), (700, 0.375), (10**9, 0.5))


def gutter_extra(pages: int) -> float:
    return next(extra for limit, extra in GUTTER_STEPS if pages <= limit)


@dataclass(frozen=True, slots=True)
class Margins:
    top: float
    bottom: float
    inner: float
    outer: float

    def css(self) -> str:
        """@page rules: mirrored margins, the inner (gutter) side at the spine."""
        def box(inner: float, outer: float, left_page: bool) -> str:
            left, right = (outer, inner) if left_page else (inner, outer)
            return f'{self.top:.3f}in {right:.3f}in {self.bottom:.3f}in {left:.3f}in'
        return (f'@page {{ margin: {box(self.inner, self.outer, False)}; }}\n'
                f'@page :left {{ margin: {box(self.inner, self.outer, True)}; }}\n'
                f'@page :right {{ margin: {box(self.inner, self.outer, False)}; }}\n')


def margins(trim: TrimSize, pages: int) -> Margins:
    """Margins in proportion to the trim, the gutter widened for long books."""
    across = inches(trim.width) / _BASE['width']
    down = inches(trim.height) / _BASE['height']
    return Margins(top=round(_BASE['top'] * down, 3), bottom=round(_BASE['bottom'] * down, 3),
                   inner=round(_BASE['inner'] * across + gutter_extra(pages), 3),
                   outer=round(_BASE['outer'] * across, 3))


# An opener's title: its top this far below the label's top (print.css: the label's 12pt and 14pt).
_TITLE_BELOW_LABEL = 26 / 72
# ... and its first baseline about this far below its top (17pt, line-height 1.2).
_TITLE_BASELINE = 17 * 1.2 * 0.8 / 72


def opener_sink(trim: TrimSize) -> float:
    """How far (inches) below the top of the text block an opener's label begins, so that its
    title's first baseline falls a third of the way down the page, on every opener."""
    height = inches(trim.height)
    top = _BASE['top'] * height / _BASE['height']
    return round(height / 3 - top - _TITLE_BELOW_LABEL - _TITLE_BASELINE, 3)


def text_height_inches(trim: TrimSize) -> float:
    m = margins(trim, 0)
    return inches(trim.height) - m.top - m.bottom


def text_width_inches(trim: TrimSize, pages: int = 0) -> float:
    m = margins(trim, pages)
    return inches(trim.width) - m.inner - m.outer


# Where a block that starts a line of its own begins (its text runs to the next one).
_BLOCK_START = re.compile(r'<(?:p|li|h[1-6]|tr|dt|dd|caption|figcaption|blockquote|pre)[\s>/]')
_TAG = re.compile(r'<[^>]*>')
# print.css's body text: 10.5pt Source Serif Pro, 1.38 leading (inches a line) and about 78
# characters a square inch.
_LINE = 10.5 * 1.38 / 72
_CHARACTERS_PER_SQUARE_INCH = 78


def estimate_pages(book: RenderedBook) -> int:
    """A first guess of the page count, from the text's lines and the trim: each block takes
    the lines its characters fill, at least one (a list of 5,000 one-line items is 5,000
    lines, not the few pages its characters would fill: a guess that far off lays a long
    book out twice, once for the wrong gutter)."""
    trim = book.metadata.trim
    height = inches(trim.height) - _BASE['top'] - _BASE['bottom']
    per_line = text_width_inches(trim) * _LINE * _CHARACTERS_PER_SQUARE_INCH
    lines = 0
    for chapter in book.chapters:
        for block in _BLOCK_START.split(chapter.body):
            text = _TAG.sub('', block).strip()
            # A Chinese, Japanese or Korean character fills the width of two Latin letters.
            characters = len(text) + len(cjk.WIDE.findall(text))
            if characters:
                lines += math.ceil(characters / per_line)
    return 8 + len(book.chapters) * 2 + int(lines * _LINE / height)


def page_css(book: RenderedBook, pages: int) -> str:
    """The parts of the print stylesheet that depend on the book: trim, margins, bleed."""
    meta = book.metadata
    trim = meta.trim
    running_title_ = running_title(meta.short_title or meta.title, trim)
    running_title_ = running_title_.replace('\\', '\\\\').replace('"', '\\"')
    css = [f'@page {{ size: {trim.css}; }}', margins(trim, pages).css(),
           f'html {{ string-set: book-title "{running_title_}"; }}',
           f'section.chapter {{ padding-top: {opener_sink(trim):.3f}in; }}',
           # The copyright page's lines stand at the foot of its text block (print.css).
           f'section.copyright, section.titlepage {{ height: {text_height_inches(trim):.3f}in; }}']
    if meta.print_settings.print_ready:
        # The print shop trims 0.125in off every edge; crop marks show where.
        css.append('@page { bleed: 0.125in; marks: crop; }')
    if meta.print_settings.print_ready or meta.print_settings.variant == 'pdf/x-1a':
        # Text and rules in pure black ink, not a four-colour mix (and CMYK for PDF/X-1a).
        css.append('html { color: device-cmyk(0 0 0 1); }')
    return '\n'.join(css) + '\n'


def running_title(title: str, trim: TrimSize) -> str:
    """The chapter title as the running head holds it: whole, cut at a natural break, or (when
    it has none: checks/running_heads.py warns) at a word with an ellipsis."""
    return running_head(title, trim)[0]
