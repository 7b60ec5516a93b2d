"""Books in other scripts: the Hebrew sample in all three formats, a Latin book quoting four scripts.

The right-to-left sample (tests/books/rtl-sample) is built once with its PDF
(conftest.rtl_build); these tests read the real files: pdffonts and pypdf for
the fonts, pdftotext for the text, pdfplumber for the margins and running heads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from makebook.model import DEFAULT_TRIM
from makebook.pdf.fonts import embedded_fonts
from makebook.pdf.geometry import margins
from tests.tools import Epub, make_book, pdf_pages_text, pdf_words

BIDI_MARKS = re.compile('[\u200e\u200f\u202a-\u202e\u2066-\u2069]')
HEBREW_TITLE = 'יומן המגדלור'


def pdffonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name without subset tag, embedded?) per pdffonts line."""
    assert shutil.which('pdffonts'), 'apt-get install poppler-utils'
    lines = subprocess.run(['pdffonts', str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [(line.split()[0].split('+')[-1], line.split()[-5] == 'yes') for line in lines]


def test_hebrew_book_pdf_embeds_the_hebrew_face_and_no_fallback(rtl_build: Path) -> None:
    fonts = pdffonts(rtl_build / 'book.pdf')
    assert all(embedded for _, embedded in fonts)
    assert any(name.startswith('Frank-Ruhl-Libre') for name, _ in fonts)
    assert {name.split('-')[0] for name, _ in fonts} <= {'Frank', 'Source'}, fonts
    # pypdf agrees (the reader the build's own font check uses).
    assert {n for n, _ in embedded_fonts((rtl_build / 'book.pdf').read_bytes())} == {n for n, _ in fonts}


def test_hebrew_text_comes_out_of_the_pdf(rtl_build: Path) -> None:
    text = BIDI_MARKS.sub('', ''.join(pdf_pages_text(rtl_build / 'book.pdf')))
    for words in (HEBREW_TITLE, 'הרשומה הראשונה של השנה', 'הקרח יצא מהנמל', 'פרק 1'):
        assert words in text, words


def test_pages_progress_right_to_left_with_the_binding_on_the_right(rtl_build: Path) -> None:
    pdf = rtl_build / 'book.pdf'
    reader = PdfReader(str(pdf))
    assert reader.trailer['/Root']['/ViewerPreferences']['/Direction'] == '/R2L'
    pages = [BIDI_MARKS.sub('', text) for text in pdf_pages_text(pdf)]
    openers = [n for n, text in enumerate(pages, start=1) if re.search(r'פרק \d', text)]
    assert openers and all(n % 2 == 1 for n in openers)  # rectos: page 1 is a left-hand page
    width = float(reader.pages[0].mediabox.width)
    inner = margins(DEFAULT_TRIM, len(reader.pages)).inner * 72  # the sample sets no trim
    words_of = pdf_words(pdf)
    full = [n for n, words in enumerate(words_of, start=1) if n not in openers and len(words) > 100]
    assert full, 'the sample has full text pages'
    for n in full:
        body = [w for w in words_of[n - 1] if w['size'] > 9]
        left, right = min(w['x0'] for w in body), width - max(w['x1'] for w in body)
        # Odd pages are left-hand pages in a right-to-left book: their spine is on the right, and
        # the margin there is the inner one (narrower than the outer on a thin book: issue 15).
        spine = right if n % 2 else left
        assert abs(spine - inner) < 1.0 and min(left, right) == spine, (n, left, right, inner)


def test_running_heads_put_the_book_title_on_the_verso(rtl_build: Path) -> None:
    heads = {}
    for n, text in enumerate(pdf_pages_text(rtl_build / 'book.pdf'), start=1):
        lines = [BIDI_MARKS.sub('', line).strip() for line in text.splitlines() if line.strip()]
        if len(lines) > 2 and lines[-1].isdigit():  # a body page with its folio (openers have none)
            heads[n] = lines[0]
    assert len(heads) >= 2, 'the sample has running heads on both sides'
    for n, head in heads.items():
        # Versos (even pages, on the right in a right-to-left book) carry the book title.
        assert head == (HEBREW_TITLE if n % 2 == 0 else 'חורף'), (n, head)


def test_hebrew_epub_embeds_its_face_with_the_licence(rtl_build: Path) -> None:
    epub = Epub(rtl_build / 'book.epub')
    fonts = {i.get('href') for i in epub.manifest().values() if i.get('media-type') == 'font/ttf'}
    assert 'fonts/FrankRuhlLibre-wght.ttf' in fonts
    css = next(epub.read(f'{epub.folder}/{i.get("href")}').decode() for i in epub.manifest().values()
               if i.get('media-type') == 'text/css')
    assert "font-family: 'Frank Ruhl Libre'" in css and "'Source Serif Pro', 'Frank Ruhl Libre'" in css
    licence = epub.read(f'{epub.folder}/font-licence.xhtml').decode()
    assert 'The Frank Ruhl Libre Project Authors' in licence and 'Source Serif' in licence
    assert 'Frank Ruhl Libre' in epub.read(f'{epub.folder}/copyright.xhtml').decode()
    web = rtl_build / 'html' / 'fonts'
    assert (web / 'FrankRuhlLibre-wght.ttf').is_file() and (web / 'LICENSE-FrankRuhlLibre.txt').is_file()


def test_a_latin_book_embeds_only_the_book_face(essay_build: Path) -> None:
    epub = Epub(next(essay_build.glob('*.epub')))
    fonts = [i.get('href') for i in epub.manifest().values() if i.get('media-type') == 'font/ttf']
    assert fonts and all(href.startswith('fonts/SourceSerifPro') for href in fonts)
    assert not list((essay_build / 'html' / 'fonts').glob('*Frank*'))


MIXED = ('---\ntitle: Words from Elsewhere\nauthor: A. Reader\nlang: en\n---\n\n'
         '# Borrowed Words\n\nThe Greek *λόγος* and λόγος, the Russian слово and *книга*, '
         'the Hebrew שלום and the Arabic سلام in one English paragraph, **Ελλάδα** in bold.\n\n'
         '# Second\n\nMore: **שלום** in bold and *سلام* in italics.\n')


def test_a_latin_book_quoting_other_scripts_passes_the_font_check(write_book, tmp_path, capsys) -> None:
    run = make_book(capsys, write_book({'book.md': MIXED}), '-o', tmp_path / 'out', '-f', 'pdf')
    assert run.status == 0, run.err
    pdf = tmp_path / 'out' / 'words-from-elsewhere.pdf'
    families = {name.split('-')[0] for name, _ in pdffonts(pdf)}
    assert families == {'Source', 'Frank', 'Amiri'}
    text = BIDI_MARKS.sub('', ''.join(pdf_pages_text(pdf)))
    for word in ('слово', 'книга', 'שלום', 'سلام', 'Ελλάδα'):
        assert word in text, word


def test_a_character_no_face_has_fails_with_its_file_and_line(write_book, tmp_path, capsys) -> None:
    book = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nFine.\n',
                       '02.md': '# Two\n\nStill fine.\n\nA hieroglyph \U00013000 here.\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'pdf')
    assert run.status == 1  # a book error (the text), found before layout: not even the fallbacks have it
    assert re.search(r"02\.md:5: MB404 error: the character '\U00013000' "
                     r"\(U\+13000 EGYPTIAN HIEROGLYPH A001\)", run.err), run.err
    assert not (tmp_path / 'out').exists() or not list((tmp_path / 'out').iterdir())


@pytest.mark.skipif(not subprocess.run(['fc-list', ':charset=3016'], capture_output=True,
                                       text=True).stdout.strip(),
                    reason='no system font has U+3016 to fall back to')
def test_the_font_check_still_refuses_a_silent_fallback(write_book, tmp_path, capsys, monkeypatch) -> None:
    # With the character check out of the way, the check of the finished PDF must still fail.
    from makebook import checks
    from makebook.theme import cjk

    monkeypatch.setattr(checks, 'CHECKS', tuple(c for c in checks.CHECKS if c.formats != ('pdf',)))
    # U+3016 is in no bundled face but the CJK one, left out here, and in a system font (DejaVu
    # Math TeX Gyre).
    monkeypatch.setattr(cjk, 'collection', lambda: None)
    book = write_book({'book.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nA 〖 B.\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 4
    assert 'instead of Source Serif Pro' in run.err
