"""Two WeasyPrint 70 bugs make-book cannot design around, mended where they lie.

**A footnote that fits is moved to the next page.** When a note is added to a
page, WeasyPrint lays the footnote area out again and asks whether its last
note's bottom is below the area's bottom; both are sums of the same lengths in
a different order, so floating-point noise (a 10.66pt line is 14.2133… px) can
make a one-line note "overflow" its own area by 1e-14 px. The note is then
reported to the next page and its call stays behind: "Ibid., p. 254." failed
the build while its page had room. The comparison is made again here with a
hundredth of a pixel to spare; everything else is WeasyPrint's own code.

**A note moved to make room for a paragraph that then does not come.** When a
paragraph's first line fits at a page's foot and its second does not, orphans
forbid breaking after one line, so WeasyPrint moves the page's notes to the
next page, last first, to make room for the second (WeasyPrint #2432, #2437).
If even that is not room enough, the paragraph goes to the next page whole, but
the notes stay moved: the page ends short, with the call of a note whose body
is overleaf (the Quarto history book's ``fn-1-4``, under a chapter opener). A
block laid out to nothing here gives its page back the notes that page held
before it: the page is then exactly as it was before the block was tried.

:func:`apply` is called once, before the first layout (engine.py); it refuses
to touch a WeasyPrint whose functions are not the ones this was written
against, so an upgrade that changes them is noticed (the tests lay out real
notes, and ``tests/unit/pdf/test_patches.py`` both bugs' smallest pages).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Callable
from typing import Any

# A hundredth of a CSS pixel: far below anything visible, far above float noise.
_TOLERANCE = 0.01
# The source of WeasyPrint 70's LayoutContext._update_footnote_area, hashed.
_KNOWN = {'2e317e4b066fb80c'}
# The source of WeasyPrint 70's layout.block._linebox_layout (where the notes are moved), hashed.
_KNOWN_LINES = {'e07bbe000974787e'}


@functools.cache
def apply() -> bool:
    """Mend both bugs; False if WeasyPrint's code is not the known one (that bug left alone)."""
    from weasyprint.layout import LayoutContext, block

    mended = True
    if _digest(LayoutContext._update_footnote_area) in _KNOWN:
        LayoutContext._update_footnote_area = _update_footnote_area
    else:
        mended = False
    if _digest(block._linebox_layout) in _KNOWN_LINES:
        # Looked up by name where blocks are laid out in a block (block.py's _in_flow_layout).
        block.block_level_layout = _giving_notes_back(block.block_level_layout)
    else:
        mended = False
    return mended


def _digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def _update_footnote_area(self: Any) -> bool:
    """WeasyPrint 70's ``LayoutContext._update_footnote_area``, with a tolerance in its last test."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    if self.current_footnote_area.height != 'auto' and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(
            self, footnote_area, -float('inf'), None, self.current_footnote_area.page)[0]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = (
            last_child.position_y + last_child.margin_height() - last_child.margin_bottom)
        footnote_area_bottom = (
            footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom)
        return bool(last_child_bottom > footnote_area_bottom + _TOLERANCE)
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


def _giving_notes_back(layout: Callable[..., Any]) -> Callable[..., Any]:
    """WeasyPrint's ``block_level_layout``: a box it lays out to nothing (it goes to the next
    page whole) gives back the notes its lines moved off the page."""
    @functools.wraps(layout)
    def block_level_layout(context: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        held = list(context.current_page_footnotes)
        result = layout(context, box, *args, **kwargs)
        if result[0] is None:
            _give_back(context, held)
        return result
    return block_level_layout


def _give_back(context: Any, held: list[Any]) -> None:
    """Put the notes of ``held`` (the page's, in their order) that were moved to the next page
    back on this one, and the page's foot where it was with them."""
    moved = [note for note in held if note in context.reported_footnotes]
    if not moved:
        return
    for note in moved:
        context.reported_footnotes.remove(note)
    # WeasyPrint's own list: the footnote area's children are this very list.
    page_notes = context.current_page_footnotes
    page_notes[:] = [note for note in held if note in moved or note in page_notes] + [
        note for note in page_notes if note not in held]
    context._update_footnote_area()
