"""The print edition's face rules for right-to-left books and scripts without hyphenation."""

from __future__ import annotations

from makebook.pdf.fonts import face_css
from makebook.render import render_book
from makebook.source import read_manuscript
from makebook.theme import faces


def book(write_book, text: str, lang: str = 'en'):
    return render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: {lang}\n---\n{text}\n'})))


def test_rtl_print_rules_mirror_the_running_heads_and_turn_off_hebrew_hyphenation(write_book) -> None:
    rendered = book(write_book, '# אחד\n\nשלום.', lang='he')
    css = face_css(rendered, faces.faces_for(rendered))
    assert 'html { direction: rtl; }' in css
    assert '@page :right { @top-center { content: string(book-title); } }' in css
    assert ':lang(he)' in css and 'hyphens: manual' in css
    latin = book(write_book, '# One\n\nPlain.')
    assert face_css(latin, faces.faces_for(latin)) == ''
