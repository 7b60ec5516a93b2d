"""A book face per script: which faces a book gets, what they cover, what the cover draws with."""

from __future__ import annotations

import dataclasses

import pytest

from makebook.epub import cover
from makebook.render import render_book
from makebook.source import read_manuscript
from makebook.theme import faces


def book(write_book, text: str, lang: str = 'en', **files: str):
    return render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: {lang}\n---\n{text}\n', **files})))


def families(rendered) -> list[str]:
    return [face.family for face in faces.faces_for(rendered)]


def test_a_latin_book_gets_only_the_book_face(write_book) -> None:
    # Greek and Cyrillic are in Source Serif Pro's roman faces: no other face is declared.
    assert families(book(write_book, '# One\n\nPlain, with λόγος and слово.')) == ['Source Serif Pro']


@pytest.mark.parametrize(('text', 'lang', 'expected'), [
    ('# One\n\nA word: שלום.', 'en', ['Source Serif Pro', 'Frank Ruhl Libre']),
    ('# One\n\nA word: سلام.', 'en', ['Source Serif Pro', 'Amiri']),
    ('# One\n\nשלום and سلام.', 'en', ['Source Serif Pro', 'Frank Ruhl Libre', 'Amiri']),
    ('# One\n\nNo Hebrew letter yet.', 'he', ['Source Serif Pro', 'Frank Ruhl Libre']),
    ('# One {lang=fa}\n\nLatin only.', 'en', ['Source Serif Pro', 'Amiri']),
])
def test_script_faces_follow_the_text_and_the_languages(write_book, text, lang, expected) -> None:
    assert families(book(write_book, text, lang)) == expected


def test_every_face_ships_its_licence_and_static_or_variable_truetype_files() -> None:
    for face in (faces.book_face(), *faces.script_faces()):
        assert 'Open Font License' in face.licence.read_text(encoding='utf-8'), face.family
        for font in face.files:
            assert font.path.read_bytes()[:4] in (b'\x00\x01\x00\x00', b'true'), font.path
            assert '[' not in face.file_name(font)  # a plain name inside the EPUB zip


def test_each_script_face_covers_its_script() -> None:
    hebrew, arabic = faces.script_faces()
    assert all(ord(c) in faces.cmap(hebrew.files[0].path) for c in 'אבגדהוזחטיכלמנסעפצקרשת')
    assert all(ord(c) in faces.cmap(arabic.files[0].path) for c in 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي')


def test_font_face_rules_name_each_face_and_file(write_book) -> None:
    used = faces.faces_for(book(write_book, '# One\n\nשלום.'))
    css = faces.font_face_css(used, lambda face, font: f'fonts/{face.file_name(font)}')
    assert "font-family: 'Frank Ruhl Libre'" in css
    assert "url('fonts/FrankRuhlLibre-wght.ttf')" in css
    assert css.count('@font-face') == sum(len(face.files) for face in used)


def test_the_cover_draws_hebrew_in_the_hebrew_face(write_book) -> None:
    meta = book(write_book, '# אחד\n\nשלום.', lang='he').metadata
    meta = dataclasses.replace(meta, title='יומן המגדלור')
    path, weight = cover._font_path(600, 'normal', meta.title, meta.language)
    assert path == faces.script_faces()[0].files[0].path and weight == 600
    assert cover.typographic_cover(meta)[:3] == b'\xff\xd8\xff'
    latin, _ = cover._font_path(400, 'normal', 'Plain title', 'en')
    assert latin.name == 'SourceSerifPro-Regular.ttf'


def test_the_narrow_no_break_space_stays_where_the_book_face_draws_it() -> None:
    """French sets U+202F before '?' (config/typography.py); the EPUB and web edition keep it
    only where the book face has it (Noto Serif does, an author's own face may), else U+00A0."""
    french = 'Qui viendra\u202f? «\u202fPersonne\u202f»'
    assert faces.fit_spaces((faces.book_face(),))(french) == french.replace('\u202f', '\u00a0')
    noto = next(face for face in faces.fallback_faces() if face.family == 'Noto Serif')
    assert faces.fit_spaces((noto, faces.book_face()))(french) == french


def test_a_cut_down_face_is_the_same_bytes_whenever_it_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fallback face's subset keeps the font's own date, not the build's: a book built again
    (a warm build, another day) gives the same web edition and EPUB."""
    face = next(face for face in faces.fallback_faces() if face.added)
    font = face.files[0]
    made = []
    for epoch in ('1700000000', '1800000000'):  # fontTools stamps a saved font with 'now'
        monkeypatch.setenv('SOURCE_DATE_EPOCH', epoch)
        faces._subset.cache_clear()
        made.append(faces.font_data(face, font, set('ab'), (face,)))
    assert made[0] == made[1] and len(made[0]) > 100


def test_the_subsets_both_editions_need_are_made_once_before_they_part(write_book) -> None:
    """build.py makes the EPUB and the web edition side by side in two processes: subset_once
    cuts down every added face first, so neither cuts one down again (each is seconds on a long
    book set partly in fallback faces)."""
    rendered = book(write_book, '# One\n\nA sign: ↯ and ⚘.')
    used = faces.faces_for(rendered)
    added = [(face, font) for face in used if face.added for font in face.files]
    assert added  # a fallback face, cut down to the book's characters
    faces._subset.cache_clear()
    faces.subset_once(rendered)
    made = faces._subset.cache_info().misses
    assert made == len(added)
    for face, font in added:  # as the EPUB and the web edition ask for them
        faces.font_data(face, font, faces.book_characters(rendered), used)
    assert faces._subset.cache_info().misses == made
