"""WeasyPrint 70's footnote bugs, mended in pdf/patches.py, on the smallest pages that show them.

Lengths in CSS px: body lines 20 high, a note's line 15, no margins, orphans and widows 2.
Paragraph ``one`` fills 120 (six lines, the call on its first); ``two`` follows (five lines).
"""

from __future__ import annotations

import ctypes
import io
import re
import subprocess
from collections.abc import Iterator
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


def test_a_leader_set_as_one_text_draws_the_dots_weasyprint_draws(tmp_path: Path) -> None:
    """The contents' leaders (print.css's ``leader('.')``): one text each, not one a dot, every
    dot drawn where WeasyPrint draws it (to a tenth of a point) and read as text."""
    import weasyprint
    from weasyprint.layout import inline

    assert patches.apply()
    titles = ['One', 'The second chapter', 'Ωmega 12',
              'A title long enough to turn over onto a second line of the contents']
    lines = ''.join(f'<li><a href="#c{n}">{title}</a></li>' for n, title in enumerate(titles))
    targets = ''.join(f'<h2 id="c{n}">x</h2>' for n in range(4))
    html = ('<html><body><style>@page { size: 300px 400px; margin: 20px } '
            'a { display: block; text-decoration: none; color: black } '
            'a::after { content: leader(".") target-counter(attr(href url), page) } '
            'ol { list-style: none; padding: 0 } h2 { break-before: page }</style>'
            f'<ol>{lines}</ol>{targets}</body></html>')
    whole = weasyprint.HTML(string=html).render()
    leaders = [box for page in whole.pages[:1] for box in _descendants(page._page_box) if box.is_leader]
    assert len(leaders) == 4 and all(len(box.children) == 1 for box in leaders)
    assert all(set(box.children[0].text) == {'.'} and len(box.children[0].text) > 10 for box in leaders)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(inline, 'handle_leader', inline.handle_leader.__wrapped__)  # WeasyPrint's
        apart = weasyprint.HTML(string=html).render()
    dots = [box for page in apart.pages[:1] for box in _descendants(page._page_box) if box.is_leader]
    assert all(len(box.children) == len(one.children[0].text) for box, one in zip(dots, leaders, strict=True))
    words = {}
    for name, document in (('whole', whole), ('apart', apart)):
        document.write_pdf(tmp_path / f'{name}.pdf', pdf_tags=False)
        subprocess.run(['pdftotext', '-bbox', '-f', '1', '-l', '1', str(tmp_path / f'{name}.pdf'),
                        str(tmp_path / f'{name}.html')], check=True)
        words[name] = [(text, float(start), float(end), float(top)) for start, top, end, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
            (tmp_path / f'{name}.html').read_text(encoding='utf-8'))]
    # Every dot where WeasyPrint draws it, to a tenth of a point (the text's glyphs advance by
    # the font's widths, in thousandths of an em, where WeasyPrint put each dot by its own).
    apart_dots = [word for word in words['apart'] if word[0] == '.']
    assert sum(text.count('.') for text, *_ in words['whole']) == len(apart_dots)
    runs = [word for word in words['whole'] if set(word[0]) == {'.'}]  # (a run may touch a word)
    assert runs
    for text, start, end, top in runs:
        mine = [dot for dot in apart_dots if start - 0.1 <= dot[1] <= end + 0.1 and abs(dot[3] - top) < 1]
        assert len(mine) == len(text)
        assert abs(mine[0][1] - start) < 0.1 and abs(mine[-1][2] - end) < 0.1
    text = subprocess.run(['pdftotext', '-layout', str(tmp_path / 'whole.pdf'), '-'], check=True,
                          capture_output=True, text=True).stdout
    assert re.search(r'One ?\.{20,} ?2\n', text) and re.search(r'Ωmega 12 ?\.{10,} ?4\n', text)
    # The rest where it was: each word (a dot run it touches taken off) starts where it did.
    assert [(text.rstrip('.'), start) for text, start, *_ in words['whole'] if text.rstrip('.')] == \
        [(text, start) for text, start, *_ in words['apart'] if text != '.']


def _descendants(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, 'children', ()):
        yield from _descendants(child)
