"""WeasyPrint 70's footnote bugs, mended in pdf/patches.py, on the smallest pages that show them.

Lengths in CSS px: body lines 20 high, a note's line 15, no margins, orphans and widows 2.
Paragraph ``one`` fills 120 (six lines, the call on its first); ``two`` follows (five lines).
"""

from __future__ import annotations

import ctypes
import io
from pathlib import Path
from typing import Any

import fontpkg_source_code_pro
import pytest

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


def _features_page() -> str:
    """A page of text set with font features (kerning, ligatures, old-style figures): a Pango
    layout with them for every text WeasyPrint measures."""
    words = ' '.join(f'office{n} affine flight 1984' for n in range(400))
    return ('<html><head><style>p { font-kerning: normal; font-variant-ligatures: common-ligatures;'
            ' font-variant-numeric: oldstyle-nums; text-align: justify }</style></head>'
            f'<body><p>{words}</p><p><code>fn main() {{}}</code> {words}</p></body></html>')


def _malloc_in_use() -> int:
    class Info(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks',
                     'fordblks', 'keepcost')]
    mallinfo2 = ctypes.CDLL(None).mallinfo2
    mallinfo2.restype = Info
    return int(mallinfo2().uordblks)


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), 'mallinfo2'), reason="glibc's count of what malloc holds")
def test_a_layout_s_font_features_go_with_it() -> None:
    """WeasyPrint 70 leaked an attribute list and a font-features attribute for each layout of a
    text (about 370 bytes): laying the same page out again and again grew the process."""
    import gc

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    assert patches.apply()
    html = _features_page()
    fonts = FontConfiguration()  # one for every layout, as the engine has it
    weasyprint.HTML(string=html).render(font_config=fonts)  # fonts and caches loaded once
    gc.collect()
    before = _malloc_in_use()
    for _ in range(10):
        weasyprint.HTML(string=html).render(font_config=fonts)
    gc.collect()
    assert _malloc_in_use() - before < 250_000  # mended 13 KB; unmended 1.07 MB (10 x 107 KB)


def test_the_pages_are_the_same_with_the_font_features_freed() -> None:
    import weasyprint
    from weasyprint.text import line_break

    assert patches.apply()
    html = _features_page()
    mended = weasyprint.HTML(string=html).write_pdf()
    own = line_break.pango
    assert isinstance(own, patches._OwnFeatures)
    line_break.pango = own._pango
    try:
        assert weasyprint.HTML(string=html).write_pdf() == mended
    finally:
        line_break.pango = own


def test_a_variable_font_made_static_by_harfbuzz_has_weasyprints_glyphs(tmp_path: Path) -> None:
    """The static subset HarfBuzz makes of a variable font (Source Code Pro, at the weights and
    style the page asks for) has exactly the glyphs WeasyPrint's own fontTools instancer makes:
    the same ids, outlines and advance widths, and no variation tables."""
    import weasyprint
    from fontTools.ttLib import TTFont
    from weasyprint.pdf import fonts

    assert patches.apply()
    files = Path(fontpkg_source_code_pro.__file__).parent / 'files'
    css = ''.join(f"@font-face {{ font-family: Code; src: url('{path.as_uri()}'); font-style: {style}; "
                  'font-weight: 200 900; }\n'
                  for path, style in ((files / 'SourceCodePro[wght].ttf', 'normal'),
                                      (files / 'SourceCodePro-Italic[wght].ttf', 'italic')))
    html = ('<html><body style="font-family: Code">'
            '<p>fn main() { let x = 42; }</p><p><b>pub struct Point&lt;T&gt;</b> <i>where T: Copy</i></p>'
            '<p style="font-weight: 600">impl Iterator for Counter {} — ẞ Ω → ≥</p></body></html>')
    made: list[tuple[Any, dict[int, str], bool, bytes, dict[str, float], bytes]] = []
    patched = fonts.Font.clean

    def kept(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        before = (self.file_content, dict(self.variations))
        patched(self, to_unicode, hinting)
        made.append((self, dict(to_unicode), hinting, *before, self.file_content))

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(fonts.Font, 'clean', kept)
        weasyprint.HTML(string=f'<style>{css}</style>{html}').write_pdf(tmp_path / 'code.pdf')
    variable = [entry for entry in made if 'fvar' in entry[0].tables]
    assert {entry[0].weight for entry in variable} >= {400, 600, 700}  # three instances, and italic
    for font, to_unicode, hinting, content, variations, ours in variable:
        font.file_content, font.variations = content, dict(variations)
        patched.__wrapped__(font, to_unicode, hinting)  # type: ignore[attr-defined]  # WeasyPrint's
        theirs = TTFont(io.BytesIO(font.file_content))
        mine = TTFont(io.BytesIO(ours))
        assert 'fvar' not in mine and 'gvar' not in mine and 'HVAR' not in mine
        assert mine['maxp'].numGlyphs == theirs['maxp'].numGlyphs
        for gid in to_unicode:
            name_mine, name_theirs = mine.getGlyphOrder()[gid], theirs.getGlyphOrder()[gid]
            glyph_mine, glyph_theirs = mine['glyf'][name_mine], theirs['glyf'][name_theirs]
            assert mine['hmtx'][name_mine] == theirs['hmtx'][name_theirs]
            assert glyph_mine.numberOfContours == glyph_theirs.numberOfContours
            if glyph_mine.numberOfContours:
                assert list(glyph_mine.getCoordinates(mine['glyf'])[0]) == \
                    list(glyph_theirs.getCoordinates(theirs['glyf'])[0])
