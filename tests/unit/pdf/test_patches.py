"""WeasyPrint 70's footnote bugs, mended in pdf/patches.py, on the smallest pages that show them.

Lengths in CSS px: body lines 20 high, a note's line 15, no margins, orphans and widows 2.
Paragraph ``one`` fills 120 (six lines, the call on its first); ``two`` follows (five lines).
"""

from __future__ import annotations

from typing import Any

from makebook.pdf import patches
from makebook.pdf.engine import deferred_footnotes, misplaced_footnotes


def _laid_out(page_height: int) -> Any:
    import weasyprint

    assert patches.apply()  # WeasyPrint's code is the one the mends were written against
    css = f'''@page {{ size: 200px {page_height}px; margin: 0; @footnote {{ margin: 0; padding: 0 }} }}
        html {{ font-size: 10px; line-height: 20px }} body {{ margin: 0 }}
        p {{ margin: 0; orphans: 2; widows: 2 }}
        .footnote {{ float: footnote; line-height: 15px }}
        ::footnote-call {{ vertical-align: baseline; line-height: 1 }}'''
    html = (f'<html><head><style>{css}</style></head><body>'
            '<p id="one">a<span class="footnote" id="fn-1">Ibid.</span><br>b<br>c<br>d<br>e<br>f</p>'
            '<p id="two">g<br>h<br>i<br>j<br>k</p></body></html>')
    return weasyprint.HTML(string=html).render()


def _anchors(document: Any) -> list[list[str]]:
    return [list(page.anchors) for page in document.pages]


def test_a_note_moved_off_for_a_paragraph_that_then_goes_overleaf_comes_back() -> None:
    # 155 high: with the note (15) the page ends at 140, room for one line of 'two' (orphans
    # want two); WeasyPrint moves the note to make room, the second line still does not fit
    # (160 > 155), so 'two' goes overleaf whole. Unmended, the note went with it.
    document = _laid_out(155)
    assert _anchors(document) == [['one', 'fn-1'], ['two']]
    assert misplaced_footnotes(document) == set()


def test_a_note_moved_off_to_keep_two_lines_of_the_next_paragraph_stays_a_deferred_note() -> None:
    # 160 high: moving the note does make room for two lines of 'two', and WeasyPrint keeps
    # that choice (a note deferred to the next page, found after layout: MB607).
    document = _laid_out(160)
    assert _anchors(document) == [['one', 'two'], ['two', 'fn-1']]
    assert deferred_footnotes(document) == {'fn-1'}


def test_a_note_with_room_under_its_call_is_not_moved() -> None:
    document = _laid_out(150)  # 'two' cannot start here even with the note moved: nothing moved
    assert _anchors(document) == [['one', 'fn-1'], ['two']]
    assert misplaced_footnotes(document) == set()
