"""One WeasyPrint 70 bug make-book cannot design around, mended where it lies.

**A footnote that fits is moved to the next page.** When a note is added to a
page, WeasyPrint lays the footnote area out again and asks whether its last
note's bottom is below the area's bottom; both are sums of the same lengths in
a different order, so floating-point noise (a 10.66pt line is 14.2133… px) can
make a one-line note "overflow" its own area by 1e-14 px. The note is then
reported to the next page and its call stays behind: "Ibid., p. 254." failed
the build while its page had room. The comparison is made again here with a
hundredth of a pixel to spare; everything else is WeasyPrint's own code.

:func:`apply` is called once, before the first layout (engine.py); it refuses
to touch a WeasyPrint whose function is not the one this was written against,
so an upgrade that changes it is noticed (the tests lay out real notes).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from typing import Any

# A hundredth of a CSS pixel: far below anything visible, far above float noise.
_TOLERANCE = 0.01
# The source of WeasyPrint 70's LayoutContext._update_footnote_area, hashed.
_KNOWN = {'2e317e4b066fb80c'}


@functools.cache
def apply() -> bool:
    """Mend WeasyPrint's footnote-area overflow test; False if its code is not the known one."""
    from weasyprint.layout import LayoutContext

    original = LayoutContext._update_footnote_area
    digest = hashlib.sha256(inspect.getsource(original).encode()).hexdigest()[:16]
    if digest not in _KNOWN:
        return False
    LayoutContext._update_footnote_area = _update_footnote_area
    return True


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
