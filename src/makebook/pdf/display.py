"""Display lines broken into balanced lines before layout (issue 15, point 8).

The half-title, the title page's title and subtitle, each chapter opener's title and
subtitle, and each part's title are centred display lines. WeasyPrint 70 breaks them
first-fit (it has no ``text-wrap: balance``), which can leave one word alone under two full
lines. Here each is measured in the book's faces, as print.css sets it (its size, weight,
slant, tracking, capitals and word spacing, restated below), broken by
:func:`makebook.theme.balance.balanced` into the same number of lines of about even length,
and given a line break (``<br>``) at each chosen space. Every line then fits the measure with
room to spare, so WeasyPrint breaks nowhere else; were a measure ever wrong, it would only
wrap a line again, never overflow.

A display line holding a line break the author wrote, or what the line breaker does not
measure (an image, math), is left alone, as is a book with its own print stylesheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from makebook.model import XHTML_NS
from makebook.pdf import hyphenate
from makebook.pdf.justify import BODY_SIZE, NBSP, Metrics, Style, Unmeasurable, _runs, _tokens
from makebook.theme import balance

_X = f'{{{XHTML_NS}}}'
# A chosen line must fit the measure by this much (points): a small measuring difference
# never makes WeasyPrint break a balanced line again.
_SLACK = 2.0
# print.css, restated: p's word-spacing (display lines set as paragraphs have it).
_P_WORD_SPACING_EM = -0.05


@dataclass(frozen=True, slots=True)
class Display:
    """A display line and how print.css sets it."""

    node: etree._Element
    style: Style
    word_spacing: float = 0.0  # em
    upper: bool = False  # text-transform: uppercase


def displays(body: etree._Element) -> Iterator[Display]:
    """The display lines of the print document, with print.css's settings for each."""
    for node in body.iter(f'{_X}*'):
        classes = set((node.get('class') or '').split())
        parent = node.getparent()
        parent_classes = set((parent.get('class') or '').split()) if parent is not None else set()
        local = etree.QName(node).localname
        if 'halftitle-title' in classes:
            yield Display(node, Style('regular', 13.0, tracking=0.1 * 13.0), _P_WORD_SPACING_EM, upper=True)
        elif 'titlepage' in parent_classes and 'title' in classes:
            yield Display(node, Style('semibold', 24.0))
        elif 'titlepage' in parent_classes and 'subtitle' in classes:
            yield Display(node, Style('italic', 12.0), _P_WORD_SPACING_EM)
        elif 'part-title' in classes:
            yield Display(node, Style('semibold', 20.0))
        elif 'chapter' in parent_classes and local == 'h1':
            yield Display(node, Style('semibold', 17.0))
        elif 'chapter' in parent_classes and 'chapter-subtitle' in classes:
            yield Display(node, Style('italic', BODY_SIZE), _P_WORD_SPACING_EM)


def balance_display_lines(body: etree._Element, width: float, language: str) -> None:
    """Break every display line of ``body`` into balanced lines ``width`` points wide at most."""
    metrics = Metrics()
    for display in list(displays(body)):
        try:
            _balance(display, width, hyphenate.language_of(display.node, language), metrics)
        except Unmeasurable:
            continue


def _balance(display: Display, width: float, language: str, metrics: Metrics) -> None:
    style = display.style
    runs = list(_runs(display.node, language, style.size, metrics, base=style))
    tokens, gaps = _tokens(runs)
    if len(tokens) < 2 or any(run.forced for run in runs):  # the author broke it: as written
        return

    def shown(text: str) -> str:
        return text.upper() if display.upper else text

    words = []
    for number, token in enumerate(tokens):
        text = ''.join(shown(runs[r].text[s:e]) for r, s, e in token.pieces)
        drawn = sum(metrics.width(shown(runs[r].text[s:e]), runs[r].style) for r, s, e in token.pieces)
        breakable = number < len(gaps) and not any(NBSP in runs[r].text[s:e] for r, s, e in gaps[number])
        words.append(balance.word(text, drawn + token.extra, breakable))
    space = metrics.width(' ', style) + display.word_spacing * style.size
    ends = balance.balanced(words, space, width - _SLACK)
    if not ends:
        return
    # From the last break back, so each run's offsets stay true while its text is cut.
    for gap in sorted((gaps[end] for end in ends), key=lambda gap: gap[0][:2], reverse=True):
        (run_index, start, end), *rest = gap
        for other, other_start, other_end in reversed(rest):  # white space in later runs
            run = runs[other]
            text = getattr(run.node, run.slot)
            setattr(run.node, run.slot, text[:other_start] + text[other_end:])
        _line_break(runs[run_index].node, runs[run_index].slot, start, end)


def _line_break(node: etree._Element, slot: str, start: int, end: int) -> None:
    """Replace ``node``'s text (or tail) from ``start`` to ``end`` by a line break."""
    text = getattr(node, slot)
    setattr(node, slot, text[:start])
    line_break = etree.Element(f'{_X}br')
    line_break.tail = text[end:]
    if slot == 'text':
        node.insert(0, line_break)
    else:
        parent = node.getparent()
        assert parent is not None  # a tail belongs to an element inside the display line
        parent.insert(parent.index(node) + 1, line_break)
