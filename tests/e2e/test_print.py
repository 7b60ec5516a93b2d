"""The print edition, read back from real PDFs: notes, structure, typography, fonts, variants.

The fixture book (tests/books/print-features) is built once per session; the
small books here build in a second or two each.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from makebook.config.trim import TRIM_PRESETS
from makebook.errors import OutputError
from makebook.model import PDF_VARIANTS
from makebook.pdf import geometry as print_book
from makebook.pdf.fonts import check_fonts
from tests.tools import REPO, make_book, pdf_chars, pdf_pages_text, pdf_words, tiny_png

FIXTURE = REPO / 'tests' / 'books' / 'print-features'
NOTE_TEXT = re.compile(r'Note (\d+):')


def _fixture_note_count() -> int:
    return sum(len(re.findall(r'^\[\^n\d+\]:', path.read_text(encoding='utf-8'), re.MULTILINE))
               for path in FIXTURE.glob('*.md'))


def calls_and_markers(words: list[dict]) -> tuple[list[int], list[int]]:
    """The footnote calls (superscript numbers in the text) and the note markers ('3.')
    at the start of the note lines of one page."""
    calls = [int(w['text']) for w in words if w['text'].isdigit() and w['size'] < 8.0]
    note_words = [w for w in words if 8.0 <= w['size'] < 8.5]
    if not note_words:
        return calls, []
    left = min(w['x0'] for w in note_words)
    markers = [int(w['text'][:-1]) for w in note_words
               if re.fullmatch(r'\d+\.', w['text']) and abs(w['x0'] - left) < 1.5]
    return calls, markers


@pytest.fixture(scope='module')
def fixture_words(print_features_pdf: Path) -> list[list[dict]]:
    return pdf_words(print_features_pdf)  # pdfplumber takes seconds: read the pages once


def figure_alts(node) -> list[str]:
    """The /Alt of every /Figure in a structure tree."""
    node = node.get_object()
    if isinstance(node, list):
        return [alt for kid in node for alt in figure_alts(kid)]
    if not isinstance(node, dict):
        return []
    own = [str(node['/Alt'])] if node.get('/S') == '/Figure' and '/Alt' in node else []
    return own + (figure_alts(node['/K']) if '/K' in node else [])


def assert_cmyk_only(reader: PdfReader) -> None:
    """Every image and every colour operator of every page is CMYK (PDF/X-1a)."""
    images = 0
    for page in reader.pages:
        for xobject in (page['/Resources'].get('/XObject') or {}).values():
            xobject = xobject.get_object()
            if xobject.get('/Subtype') == '/Image':
                assert xobject['/ColorSpace'] == '/DeviceCMYK'
                images += 1
        content = page.get_contents().get_data().decode('latin-1')
        assert not re.search(r'\s(rg|RG)\s|/DeviceRGB', content)
    assert images  # the book has a picture


# ---- Footnotes ----

def test_each_footnote_is_on_the_page_of_its_call(fixture_words: list[list[dict]]) -> None:
    pages = fixture_words
    seen_markers = 0
    for number, words in enumerate(pages, start=1):
        calls, markers = calls_and_markers(words)
        assert sorted(calls) == sorted(markers), f'page {number}: calls {calls}, notes {markers}'
        seen_markers += len(markers)
    # Every Markdown footnote became a page-bottom note (plus the heading,
    # table and long notes, which are not numbered 'Note k').
    assert seen_markers == _fixture_note_count() + 3


def test_every_note_is_printed_once_and_no_stray_numbers(print_features_pdf: Path) -> None:
    text = '\n'.join(pdf_pages_text(print_features_pdf))
    found = [int(n) for n in NOTE_TEXT.findall(text)]
    assert sorted(found) == list(range(1, _fixture_note_count() + 1))
    assert 'A note called from a heading.' in text
    assert 'A note from inside a table cell.' in text
    # The EPUB's back-links ('1.') and the endnote block are gone from the print.
    assert '↩' not in text


def test_a_heading_with_a_note_keeps_a_clean_bookmark(print_features_pdf: Path) -> None:
    outline = PdfReader(str(print_features_pdf)).outline
    sections = [item.title for entry in outline if isinstance(entry, list) for item in entry]
    assert 'A heading with a note' in sections


def test_several_notes_share_a_page(fixture_words: list[list[dict]]) -> None:
    most = max(len(calls_and_markers(words)[1]) for words in fixture_words)
    assert most >= 3  # WeasyPrint #2502 (one note a page) does not bite here


def test_a_note_too_long_for_any_page_is_a_clear_error(write_book, tmp_path: Path, capsys) -> None:
    """A note with no text after its call to carry its continuation: say so, do not lose it."""
    note = ' '.join(['A very long note that goes on and on.'] * 140)
    book = write_book({'book.md': f'---\ntitle: L\nauthor: A\nlang: en\n---\n# One\n\n'
                                  f'Call.[^x]\n\n[^x]: {note}\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'pdf')
    assert run.status == 1  # a book error, named at the note's line: not "cannot write"
    assert f"{book / 'book.md'}:10: MB601 error: the footnote 'fn-x' does not fit" in run.err
    assert 'do not fit at the foot of their page: fn-x in book.md' in run.err
    assert '--notes chapter-endnotes' in run.err
    assert make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'pdf',
                     '--notes', 'chapter-endnotes').status == 0


def test_a_long_note_continues_on_the_next_page(write_book, tmp_path: Path, capsys) -> None:
    """Too tall for the room under its call, a note is cut at a word and continued ('(cont.)')
    at the foot of the next page; a 1.5-page note runs over three pages."""
    filler = ' '.join(f'Plain text of the page, sentence {i}, of middling length.' for i in range(40))
    note = ' '.join(f'N{i:03d} belongs to the long note and says so once.' for i in range(150))
    book = write_book({'book.md': f'---\ntitle: L\nauthor: A\nlang: en\n---\n# One\n\n'
                                  f'{filler}\n\nThis calls the long note.[^long] {filler}\n\n'
                                  f'{filler}\n\n{filler}\n\nAnd a short one.[^short]\n\n'
                                  f'[^long]: {note}\n\n[^short]: The short note.\n'})
    assert make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'pdf').status == 0
    pages = pdf_pages_text(tmp_path / 'out' / 'l.pdf')
    on_page = [re.findall(r'N\d{3}', text) for text in pages]
    # Every word of the note once, in reading order, over consecutive pages.
    assert [w for words in on_page for w in words] == [f'N{i:03d}' for i in range(150)]
    used = [number for number, words in enumerate(on_page) if words]
    assert used == list(range(used[0], used[0] + len(used))) and len(used) >= 3
    call = next(number for number, text in enumerate(pages) if 'This calls the long note' in text)
    assert used[0] == call  # the first words under the call
    assert all('(cont.)' in pages[number] for number in used[1:])
    assert '(cont.)' not in pages[call]
    # The continuations take no number: the next note is still 2.
    short = next(text for text in pages if 'The short note.' in text)
    assert re.search(r'^\s*2\.\s+The short note\.', short, re.MULTILINE)


# ---- Book structure ----

def test_front_matter_order_and_folios(print_features_pdf: Path) -> None:
    pages = [' '.join(text.split()) for text in pdf_pages_text(print_features_pdf)]
    assert pages[0].replace(' ', '') == 'THEPRINTFEATURESBOOK'  # half-title, alone
    assert pages[1] == ''  # its verso is blank
    assert pages[2].startswith('The Print Features Book A fixture for the print edition')
    assert 'Some rights reserved' in pages[3]  # copyright on the title's verso
    dedication = next(i for i, t in enumerate(pages) if 'For every compositor' in t)
    epigraph = next(i for i, t in enumerate(pages) if 'The page is a window' in t)
    contents = next(i for i, t in enumerate(pages) if t.startswith('Contents'))
    assert 3 < dedication < epigraph < contents
    assert all(i % 2 == 0 for i in (dedication, epigraph, contents))  # rectos
    assert pages[contents].endswith(' ix')  # roman folio
    preface = next(i for i, t in enumerate(pages) if t.startswith('Preface'))
    assert preface % 2 == 0
    assert not re.search(r'\d$', pages[preface])  # opener: no folio
    assert 'CHAPTER' not in pages[preface]  # unnumbered: no label
    first = next(i for i, t in enumerate(pages) if t.startswith('CHAPTER 1 A Chapter Whose'))
    assert pages[first + 1].endswith(f' {first - preface + 2}')  # arabic folios from 1


def test_running_heads_are_shortened(print_features_pdf: Path) -> None:
    heads = {text.strip().splitlines()[0].strip() for text in pdf_pages_text(print_features_pdf)
             if text.strip()}
    assert 'A CHAPTER WHOSE TITLE IS MUCH TOO LONG…' in heads
    assert 'NOTES EVERYWHERE' in heads  # {short-title="Notes Everywhere"}
    assert not any('RUNNING HEAD AT THE TOP' in head for head in heads)


# ---- Typography ----

def test_no_text_runs_past_the_text_block(print_features_pdf: Path) -> None:
    """Long words, URLs, code, tables and figures all stay inside the measure."""
    pages, width = pdf_chars(print_features_pdf)
    box = print_book.margins(TRIM_PRESETS['5.5x8.5'], len(pages))
    for index, chars in enumerate(pages):
        recto = index % 2 == 0
        left, right = (box.inner, box.outer) if recto else (box.outer, box.inner)
        low, high = left * 72 - 0.5, width - right * 72 + 0.5
        outside = [c['text'] for c in chars if c['x0'] < low or c['x1'] > high]
        assert outside == [], f'page {index + 1}: {"".join(outside)!r} outside {low:.1f}..{high:.1f}'


def test_french_and_english_are_hyphenated(print_features_pdf: Path) -> None:
    """lang from the metadata (en-GB) and {lang=fr} on a chapter both hyphenate."""
    pages = pdf_pages_text(print_features_pdf)
    french_source = (FIXTURE / '04-francais.md').read_text(encoding='utf-8')
    english_source = (FIXTURE / '05-closing.md').read_text(encoding='utf-8')
    broken: dict[str, list[str]] = {'fr': [], 'en': []}
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for this, following in itertools.pairwise(lines):
            match = re.search(r'(\w+)[-\u2010]$', this)  # WeasyPrint's hyphen is U+2010
            if match and following.split():
                word = match.group(1) + re.sub(r'\W+$', '', following.split()[0])
                if re.search(rf'\b{word}\b', french_source):
                    broken['fr'].append(word)
                elif re.search(rf'\b{word}\b', english_source):
                    broken['en'].append(word)
    assert broken['fr'], 'no French word was hyphenated'
    assert broken['en'], 'no English word was hyphenated'


def test_table_header_repeats_on_every_page(print_features_pdf: Path) -> None:
    table_pages = [text for text in pdf_pages_text(print_features_pdf)
                   if re.search(r'^\s*18[0-5]\d\s', text, re.MULTILINE)]
    assert len(table_pages) >= 2
    assert all(re.search(r'Year\s+Place\s+Event', text) for text in table_pages)


# ---- Fonts ----

def test_only_the_book_face_is_embedded(print_features_pdf: Path) -> None:
    listing = subprocess.run(['pdffonts', str(print_features_pdf)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    names = {line.split()[0].split('+')[-1] for line in listing}
    assert names >= {'Source-Serif-Pro', 'Source-Serif-Pro-Italic'}
    # The book face, and its monospaced sibling for code (issue 15).
    assert all(name.startswith(('Source-Serif-Pro', 'Source-Code-Pro')) for name in names), names
    assert all(line.split()[-5] == 'yes' for line in listing)  # emb


def test_the_font_check_names_a_stranger(essay_build: Path) -> None:
    pdf = (essay_build / 'leon-the-professional.pdf').read_bytes()
    assert 'Source-Serif-Pro' in check_fonts(pdf, ['Source Serif Pro'])
    with pytest.raises(OutputError, match=r'Source-Serif-Pro.* instead of Garamond'):
        check_fonts(pdf, ['Garamond'])


def test_a_character_no_bundled_face_has_fails_the_pdf_only(write_book, tmp_path: Path, capsys) -> None:
    # U+13000 is in no bundled face, fallbacks included (a system font may have it: WeasyPrint would take it
    # silently). The PDF is refused before layout; the EPUB, which can leave it to the reader, is written.
    book = write_book({'book.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nA 𓀀 B.\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'pdf,epub')
    assert run.status == 1
    # Named before layout (checks/glyphs.py); test_scripts.py checks the PDF check behind it.
    assert 'U+13000 EGYPTIAN HIEROGLYPH A001' in run.err
    assert not (tmp_path / 'out' / 't.pdf').exists()
    assert (tmp_path / 'out' / 't.epub').exists()


# ---- Notes as endnotes, trims, variants ----

SMALL = {
    'book.md': ('---\ntitle: Small\nauthor: A\nlang: fr-CA\ntrim-size: a5\n'
                'keywords: [petit, livre]\n---\n'
                '# Un\n\nPremier appel.[^a] Second appel.[^b]\n\n'
                '![Un carré.](sq.png)\n\n'
                '[^a]: Première note.\n[^b]: Seconde note.\n\n'
                '# Deux\n\nTroisième appel.[^c]\n\n[^c]: Troisième note.\n'),
}


@pytest.fixture
def small_book(write_book):
    return write_book({**SMALL, 'sq.png': tiny_png()})


@pytest.mark.parametrize('mode', ['chapter-endnotes', 'book-endnotes'])
def test_endnotes(small_book: Path, tmp_path: Path, capsys, mode: str) -> None:
    assert make_book(capsys, small_book, '-o', tmp_path / 'out', '-f', 'pdf', '--notes', mode).status == 0
    pages = [' '.join(t.split()) for t in pdf_pages_text(tmp_path / 'out' / 'small.pdf')]
    where = {note: next(i for i, t in enumerate(pages) if note in t)
             for note in ('Première note.', 'Troisième note.')}
    # A French book (fr-CA): its labels are French (config/labels.py).
    chapter_two = next(i for i, t in enumerate(pages) if t.startswith('CHAPITRE 2'))
    if mode == 'chapter-endnotes':
        assert where['Première note.'] < chapter_two <= where['Troisième note.']
    else:
        notes = next(i for i, t in enumerate(pages) if t.startswith('Notes'))
        assert chapter_two < notes <= where['Première note.'] <= where['Troisième note.']
        assert 'Notes' in next(t for t in pages if t.startswith('Table des matières'))


@pytest.mark.parametrize('variant', [*PDF_VARIANTS, 'tagged'])
def test_pdf_variants_are_clean(small_book: Path, tmp_path: Path, capsys, variant: str) -> None:
    assert shutil.which('qpdf'), 'apt-get install qpdf'
    run = make_book(capsys, small_book, '-o', tmp_path / 'out', '-f', 'pdf', '--pdf-variant', variant)
    assert run.status == 0, run.err
    pdf = tmp_path / 'out' / 'small.pdf'
    check = subprocess.run(['qpdf', '--check', str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    reader = PdfReader(str(pdf))
    catalog = reader.trailer['/Root']
    intents = catalog.get('/OutputIntents')
    if variant.startswith('pdf/x'):
        intent = intents[0].get_object()
        assert intent['/S'] == '/GTS_PDFX'
        # The ICC header's colour space (bytes 16-19): CMYK for PDF/X-1a (the shipped
        # SWOP profile), RGB for PDF/X-4 (WeasyPrint writes DeviceRGB colours there).
        profile = intent['/DestOutputProfile'].get_object().get_data()
        assert profile[16:20] == (b'CMYK' if variant == 'pdf/x-1a' else b'RGB ')
    if variant == 'pdf/x-1a':
        assert_cmyk_only(reader)
    elif variant.startswith('pdf/a'):
        assert intents[0].get_object()['/S'] == '/GTS_PDFA1'
    assert '/StructTreeRoot' in catalog  # every variant offered is tagged
    assert catalog['/Lang'] == 'fr-CA'
    if variant != 'tagged':  # the standards want XMP metadata; the plain PDF has an Info dict
        assert reader.xmp_metadata is not None


def test_print_ready_has_bleed_marks_and_pdf_x(small_book: Path, tmp_path: Path, capsys) -> None:
    assert make_book(capsys, small_book, '-o', tmp_path / 'out', '-f', 'pdf', '--print-ready').status == 0
    reader = PdfReader(str(tmp_path / 'out' / 'small.pdf'))
    page = reader.pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert (round(float(trim.width)), round(float(trim.height))) == (420, 595)  # A5
    assert round(float(bleed.width) - float(trim.width)) == 18  # 0.125in each side
    assert reader.pdf_header == '%PDF-1.6'
    assert reader.trailer['/Root']['/OutputIntents'][0].get_object()['/S'] == '/GTS_PDFX'
    xmp = reader.trailer['/Root']['/Metadata'].get_object().get_data().decode()
    assert 'PDF/X-4' in xmp
    import pdfplumber
    with pdfplumber.open(str(tmp_path / 'out' / 'small.pdf')) as pdf:
        marks = pdf.pages[0].lines
    width = float(trim.width)
    assert len(marks) == 8  # two crop marks at each corner, in the bleed, on the trim lines
    for mark in marks:
        if mark['top'] == mark['bottom']:  # horizontal: outside the trim, left or right
            assert mark['x1'] <= 0.5 or mark['x0'] >= width - 0.5, mark
        else:  # vertical: on the trim's left or right edge
            assert min(abs(mark['x0']), abs(mark['x0'] - width)) < 0.5, mark


def test_default_pdf_is_tagged_with_metadata(small_book: Path, tmp_path: Path, capsys) -> None:
    assert make_book(capsys, small_book, '-o', tmp_path / 'out', '-f', 'pdf').status == 0
    reader = PdfReader(str(tmp_path / 'out' / 'small.pdf'))
    catalog = reader.trailer['/Root']
    assert '/StructTreeRoot' in catalog
    assert catalog['/MarkInfo']['/Marked']
    assert figure_alts(catalog['/StructTreeRoot']) == ['Un carré.']  # alt text reaches the tags
    info = reader.metadata
    assert info.title == 'Small'
    assert info.author == 'A'
    assert info['/Keywords'] == 'petit, livre'
    assert info['/CreationDate'] == info['/ModDate'] == 'D:20251128000000Z'  # SOURCE_DATE_EPOCH


def test_two_builds_are_byte_identical(essay_build: Path, tmp_path: Path, capsys) -> None:
    run = make_book(capsys, REPO / 'manuscript', '-o', tmp_path, '-f', 'pdf', '-q')
    assert run.status == 0
    name = 'leon-the-professional.pdf'
    assert (tmp_path / name).read_bytes() == (essay_build / name).read_bytes()


def test_a_note_called_before_a_block_quote_at_a_page_foot_stays_under_its_call(
        tmp_path: Path, capsys) -> None:
    # The first 60 files of the speed benchmark's generated novel: in ch058.md a short note
    # (105 characters) is called just before a block quote that starts at a page's foot. WeasyPrint
    # moved the note off the page to keep the quote's paragraph two lines there, and again on the
    # next page; relaxing the quote did nothing (its paragraph sets its own orphans), so the build
    # failed with MB601 on a note that fits. The quote's paragraphs now relax with it.
    import sys
    book = tmp_path / 'novel'
    subprocess.run([sys.executable, str(REPO / 'benchmarks' / 'bigbook.py'), str(book)], check=True,
                   capture_output=True)
    for late in sorted(book.glob('ch*.md'))[60:]:
        late.unlink()
    assert '[^n2]: Cold patient' in (book / 'ch058.md').read_text(encoding='utf-8')  # the shape
    run = make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'pdf')
    assert run.status == 0, run.err
    assert not re.search(r'MB60[17]', run.err), run.err  # every note whole under its call
