"""Every character the PDF sets has a face: found before layout, with its file and line."""

from __future__ import annotations

from makebook.checks.glyphs import every_character_has_a_face
from makebook.render import render_book
from makebook.source import read_manuscript


def book(write_book, text: str, lang: str = 'en'):
    return render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: {lang}\n---\n{text}\n'})))


def test_a_character_no_face_has_is_named_with_its_file_and_line(write_book) -> None:
    rendered = book(write_book, '# One\n\nFine.\n\n# Two\n\nStill fine.\n\nA 書 here.')
    problems = every_character_has_a_face(rendered)
    assert len(problems) == 1
    lines = problems[0].path.read_text(encoding='utf-8').splitlines()
    assert problems[0].path.name == '01.md' and lines[problems[0].line - 1] == 'A 書 here.'
    assert 'U+66F8 CJK UNIFIED IDEOGRAPH-66F8' in problems[0].message
    assert "chapter 'Two'" in problems[0].message


def test_covered_quotes_and_invisible_marks_pass(write_book) -> None:
    rendered = book(write_book, '# One\n\nλόγος, слово, שלום\u200f, سلام\u200d and a soft\u00adhyphen.')
    assert every_character_has_a_face(rendered) == []


def test_a_character_in_the_metadata_is_named_too(write_book) -> None:
    rendered = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: The 書 book\nauthor: A\nlang: en\n---\n# One\n\nFine.\n'})))
    problems = every_character_has_a_face(rendered)
    assert [(p.code, p.path) for p in problems] == [('MB404', None)]
    assert 'in the metadata' in problems[0].message
