"""The body's folios printed at the join (pdf/folios.py): which pages get which number, and the
sheets they are cut from."""

from __future__ import annotations

from makebook.pdf import folios


def test_only_the_body_s_arabic_folios_are_printed_each_from_its_sheet() -> None:
    printed = ('i', None, 'iii', None, '1', None, '3', '4', None, '66')  # the front's are its own
    stamps = folios.stamps(printed, body_start=4)
    assert stamps == [folios.Stamp(4, 1), folios.Stamp(6, 3), folios.Stamp(7, 4), folios.Stamp(9, 66)]
    assert [stamp.sheet for stamp in stamps] == [1, 1, 1, 65]
    assert folios.PER_SHEET % 2 == 0  # every sheet starts on a recto, as page 1 does


def test_a_sheet_holds_its_numbers_and_nothing_else() -> None:
    css = folios.sheet_css(65)
    assert '@page :first { counter-reset: page 65; }' in css
    assert '@top-center { content: none !important; }' in css and 'marks: none' in css
    html = folios.sheet_html('fr"')
    assert 'dir="rtl"' in folios.sheet_html('ar', right_to_left=True) and 'dir' not in html
    assert html.count('<div class="mb-folio"></div>') == folios.PER_SHEET
    assert 'lang="fr&quot;"' in html
