"""Every character the PDF sets has a face: found before layout, with its file and line."""

from __future__ import annotations

from pathlib import Path

from makebook.checks.glyphs import every_character_has_a_face
from makebook.render import render_book
from makebook.source import read_manuscript


def book(write_book, text: str, lang: str = 'en'):
    return render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: {lang}\n---\n{text}\n'})))


def test_a_character_no_face_has_is_named_with_its_file_and_line(write_book) -> None:
    rendered = book(write_book, '# One\n\nFine.\n\n# Two\n\nStill fine.\n\nA 𓀀 here.')
    problems = every_character_has_a_face(rendered)
    assert len(problems) == 1
    lines = problems[0].path.read_text(encoding='utf-8').splitlines()
    assert problems[0].path.name == '01.md' and lines[problems[0].line - 1] == 'A 𓀀 here.'
    assert 'U+13000 EGYPTIAN HIEROGLYPH A001' in problems[0].message
    assert "chapter 'Two'" in problems[0].message


def test_covered_quotes_and_invisible_marks_pass(write_book) -> None:
    rendered = book(write_book, '# One\n\nλόγος, слово, שלום\u200f, سلام\u200d and a soft\u00adhyphen.')
    assert every_character_has_a_face(rendered) == []


def test_a_character_in_the_metadata_is_named_too(write_book) -> None:
    rendered = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: The 𓀀 book\nauthor: A\nlang: en\n---\n# One\n\nFine.\n'})))
    problems = every_character_has_a_face(rendered)
    assert [(p.code, p.path) for p in problems] == [('MB404', None)]
    assert 'in the metadata' in problems[0].message


def test_a_character_only_a_fallback_face_has_is_a_warning_naming_the_face(write_book) -> None:
    """The novel refused for one Greek variant in an epigraph: its kappa symbol is set in Noto
    Serif, and the author is told where it is and what was done."""
    from makebook.checks.glyphs import characters_in_fallback_faces
    rendered = book(write_book, '# One\n\nFine.\n\n# Two\n\nEpigraph: ϰαι ⁂ 👍 and नमस्ते.')
    assert every_character_has_a_face(rendered) == []
    found = [(p.code, p.severity.value, p.path.name, p.line, p.message.split(' in chapter')[0],
              p.message.rsplit('fallback face ', 1)[1]) for p in characters_in_fallback_faces(rendered)]
    assert found == [
        ('MB430', 'warning', '01.md', 12, "the characters 'ϰ' (U+03F0 GREEK KAPPA SYMBOL), '⁂' (U+2042 "
         'ASTERISM)', 'Noto Serif'),
        ('MB430', 'warning', '01.md', 12, "the character '👍' (U+1F44D THUMBS UP SIGN)", 'Noto Emoji'),
        ('MB430', 'warning', '01.md', 12, "the characters 'न' (U+0928 DEVANAGARI LETTER NA), 'म' (U+092E "
         "DEVANAGARI LETTER MA), 'स' (U+0938 DEVANAGARI LETTER SA), '्' (U+094D DEVANAGARI SIGN VIRAMA) "
         'and 2 more', 'Noto Sans Devanagari'),
    ]
    from makebook.theme.faces import faces_for
    assert [f.family for f in faces_for(rendered)] == ['Source Serif Pro', 'Noto Serif', 'Noto Emoji',
                                                        'Noto Sans Devanagari']


def test_a_character_an_mdbook_include_brings_in_is_reported_at_the_included_file(write_book) -> None:
    """The Rust book's cat emoji is in a listing its chapter includes: the warning names the
    listing's file and line, not the chapter with no line."""
    from makebook.checks.glyphs import characters_in_fallback_faces
    rendered = render_book(read_manuscript(write_book({
        'book.toml': '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n',
        'src/SUMMARY.md': '- [Types](types.md)\n',
        'src/types.md': '# Types\n\nA char:\n\n```rust\n{{#rustdoc_include ../listings/char.rs}}\n```\n',
        'listings/char.rs': 'fn main() {\n    let c = \'z\';\n    let heart_eyed_cat = \'😻\';\n}\n'})))
    found = [(p.code, p.path.name, p.line) for p in characters_in_fallback_faces(rendered)]
    assert found == [('MB430', 'char.rs', 3)]


def test_math_is_drawn_and_never_trips_the_check(write_book) -> None:
    rendered = book(write_book, '# One\n\nLet $x \\in A$, $\\nabla f$ and $\\mathbb{E}[X]$.')
    from makebook.checks.glyphs import characters_in_fallback_faces
    assert every_character_has_a_face(rendered) == [] and characters_in_fallback_faces(rendered) == []


def test_the_text_of_an_svg_is_checked_and_reported_at_the_image(write_book) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30">\n'
           '<text x="1" y="20" font-family="Times,serif">buffer</text>\n'
           '<text x="1" y="28" font-family="Times,serif">𓀀</text></svg>\n')
    rendered = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\n![A diagram](d.svg)\n', 'd.svg': svg})))
    (problem,) = every_character_has_a_face(rendered)
    assert (problem.path.name, problem.line) == ('d.svg', 3)
    assert "in the image 'd.svg'" in problem.message


def test_an_authors_own_ofl_font_is_used_before_the_fallbacks_and_a_font_of_another_licence_refused(
        write_book) -> None:
    import shutil

    import fontpkg_noto_serif
    import ziafont
    noto = next((Path(fontpkg_noto_serif.ROOT) / 'files').glob('NotoSerif[[]*.ttf'))
    folder = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\nfonts: [fonts/mine.ttf]\n---\n'
                                  '# One\n\nA ϰ here.\n'})
    (folder / 'fonts').mkdir()
    shutil.copy(noto, folder / 'fonts' / 'mine.ttf')
    rendered = render_book(read_manuscript(folder))
    from makebook.checks.glyphs import characters_in_fallback_faces
    from makebook.theme.faces import faces_for
    assert characters_in_fallback_faces(rendered) == []  # the author's own font has it: no warning
    assert [(f.family, f.script) for f in faces_for(rendered)] == [('Source Serif Pro', 'latin'),
                                                                     ('Noto Serif', 'author')]
    shutil.copy(Path(ziafont.__file__).parent / 'fonts' / 'DejaVuSans.ttf', folder / 'fonts' / 'mine.ttf')
    from makebook.source import gather_manuscript
    problems = [(d.code, d.line) for d in gather_manuscript(folder).diagnostics]
    assert problems == [('MB132', 5)]
