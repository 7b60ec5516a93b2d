"""Typesetting as a trade book's, measured on real outputs (issue 15).

The essay (conftest.essay_build) and tests/books/typesetting (nested lists,
code in three languages, a long table, a translated book with an editor and an
illustrator, a chapter epigraph) are each built once; these tests read their
PDF with pdfplumber and pdftotext, their EPUB and their web edition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmarks.justification import measure

from tests.tools import REPO, Epub, pdf_pages_text

ESSAY_PDF = 'leon-the-professional.pdf'
SLUG = 'the-harbour-manual'


@pytest.fixture(scope='module')
def typesetting_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from makebook.cli import main
    from tests.conftest import ESSAY_EPOCH

    out = tmp_path_factory.mktemp('typesetting') / 'build'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        assert main([str(REPO / 'tests' / 'books' / 'typesetting'), '-o', str(out), '-q']) == 0
    return out


def _chars(pdf: Path) -> tuple[list[list[dict]], float, float]:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        page = document.pages[0]
        return [list(p.chars) for p in document.pages], float(page.width), float(page.height)


@pytest.fixture(scope='module')
def essay_chars(essay_build: Path) -> tuple[list[list[dict]], float, float]:
    return _chars(essay_build / ESSAY_PDF)


@pytest.fixture(scope='module')
def typesetting_chars(typesetting_build: Path) -> tuple[list[list[dict]], float, float]:
    return _chars(typesetting_build / f'{SLUG}.pdf')


def _title_tops(pages: list[list[dict]], titles: list[str]) -> dict[str, tuple[int, float]]:
    """(page, top of the first line) of each opener title, found by its 17pt characters."""
    found: dict[str, tuple[int, float]] = {}
    for number, chars in enumerate(pages):
        big = [c for c in chars if abs(c['size'] - 17) < 0.1]
        if not big:
            continue
        text = ''.join(c['text'] for c in sorted(big, key=lambda c: (round(c['top']), c['x0'])))
        for title in titles:
            if text.replace(' ', '').startswith(title.replace(' ', '')[:12]) and title not in found:
                found[title] = (number, min(c['top'] for c in big))
    return found


# ---- Openers ----

def test_every_opener_title_stands_at_the_same_height_a_third_down(essay_chars) -> None:
    pages, _, height = essay_chars
    titles = ['Introduction', 'The Story Behind the Film', 'Characters That Leave a Mark',
              'Why Léon Still Matters Today', 'Conclusion']
    tops = _title_tops(pages, titles)
    assert set(tops) == set(titles), tops
    heights = {title: top for title, (_, top) in tops.items()}
    # Numbered (with their 'CHAPTER N' label) and unnumbered openers alike.
    assert max(heights.values()) - min(heights.values()) < 1.0, heights
    assert all(0.27 < top / height < 0.36 for top in heights.values()), heights


def test_the_label_sits_just_above_its_title(essay_chars) -> None:
    pages, _, _ = essay_chars
    number, top = _title_tops(pages, ['The Story Behind the Film'])['The Story Behind the Film']
    label = [c for c in pages[number] if abs(c['size'] - 9) < 0.1 and c['text'].strip()]
    assert ''.join(c['text'] for c in label).startswith('CHAPTER1')
    gap = top - max(c['bottom'] for c in label)
    assert 0 < gap < 30, gap  # one unit: about 14pt apart, not an inch


# ---- Code ----

def _code_chars(pages: list[list[dict]]) -> list[dict]:
    return [c for chars in pages for c in chars if 'SourceCodePro' in c['fontname'].replace('-', '')]


def test_code_is_set_in_the_embedded_monospace(typesetting_chars, typesetting_build: Path) -> None:
    from makebook.pdf.fonts import embedded_fonts

    fonts = {name for name, embedded in embedded_fonts((typesetting_build / f'{SLUG}.pdf').read_bytes())
             if embedded}
    assert any(name.replace('-', '').startswith('SourceCodePro') for name in fonts), fonts
    code = _code_chars(typesetting_chars[0])
    text = ''.join(c['text'] for c in code)
    for sample in ('keeperd', 'def', 'summarise', 'fn', 'PartialEq'):
        assert sample in text, sample
    # No ligature in code: every glyph is one character ('fi' would be one glyph).
    assert all(len(c['text']) == 1 for c in code)


def test_code_keeps_ascii_hyphens_and_quotes(typesetting_build: Path) -> None:
    text = '\n'.join(pdf_pages_text(typesetting_build / f'{SLUG}.pdf'))
    assert 'keeperd --version' in text
    assert "' '" in text
    assert '\u2010' not in ''.join(line for line in text.splitlines() if 'keeperd' in line)


def test_long_code_lines_wrap_with_a_mark_inside_the_text_block(typesetting_chars) -> None:
    pages, width, _ = typesetting_chars
    code = _code_chars(pages)
    assert any(c['text'] == '\u2198' for c in code), 'no wrapped line is marked'
    body = [c for chars in pages for c in chars if abs(c['size'] - 10.5) < 0.05]
    left, right = min(c['x0'] for c in body), max(c['x1'] for c in body)
    outer = max(right, width - left)
    assert all(c['x1'] <= outer + 0.5 for c in code)


def test_inline_code_breaks_between_names_never_inside_one(typesetting_build: Path) -> None:
    import pdfplumber

    table = (REPO / 'tests' / 'books' / 'typesetting' / '02-instruments.md').read_text(encoding='utf-8')
    names = set(re.findall(r'`([A-Z][A-Za-z]+)` \|$', table, re.M))
    assert {'PartialEq', 'BitAndAssign', 'BitAnd'} <= names
    with pdfplumber.open(str(typesetting_build / f'{SLUG}.pdf')) as pdf:
        words = [w['text'] for page in pdf.pages
                 for w in page.extract_words(extra_attrs=['fontname'])
                 if 'SourceCodePro' in w['fontname'].replace('-', '')]
    assert 'PartialEq' in words
    broken = [w for w in words for name in names if name.startswith(w) and w not in names]
    assert broken == []


# ---- Lists ----

def test_nested_lists_print_markers_the_faces_have(typesetting_build: Path) -> None:
    text = '\n'.join(pdf_pages_text(typesetting_build / f'{SLUG}.pdf'))
    markers = {match.group(1) for match in re.finditer(r'^\s*(•|–|\d+\.|[a-z]\.|[ivx]+\.)\s', text, re.M)}
    assert {'•', '–', '1.', 'a.', 'i.'} <= markers, markers
    assert '◦' not in text


# ---- Hyphenation ----

def test_no_capitalised_word_is_hyphenated(typesetting_build: Path) -> None:
    for line in '\n'.join(pdf_pages_text(typesetting_build / f'{SLUG}.pdf')).splitlines():
        words = line.split()
        if words and words[-1].endswith('\u2010') and len(words[-1]) > 1:
            assert not words[-1][:1].isupper(), line


def test_the_essay_hyphenates_no_name_and_no_display_line(essay_build: Path) -> None:
    pages = pdf_pages_text(essay_build / ESSAY_PDF)
    for line in '\n'.join(pages).splitlines():
        words = line.split()
        if words and words[-1].endswith(('-', '\u2010')) and len(words[-1]) > 1:
            assert not words[-1][:1].isupper(), line
    assert 'LÉON: THE PROFESSIONAL' in pages[0]  # the half-title, whole


# ---- EPUB and web edition ----

def test_every_edition_carries_the_code_face_and_its_licence(typesetting_build: Path) -> None:
    epub = Epub(typesetting_build / f'{SLUG}.epub')
    names = epub.zip.namelist()
    assert any('SourceCodePro' in name for name in names), names
    css = epub.read(next(n for n in names if n.endswith('book.css'))).decode()
    assert "font-family: 'Source Code Pro'" in css
    assert re.search(r'pre code[^{]*\{[^}]*font-size: 1em', css)  # code not shrunk twice
    licence = epub.read(next(n for n in names if n.endswith('font-licence.xhtml'))).decode()
    assert 'Source Code Pro' in licence
    web = typesetting_build / 'html'
    assert any(p.name.startswith('SourceCodePro') for p in (web / 'fonts').iterdir())
    assert "font-family: 'Source Code Pro'" in (web / 'style.css').read_text(encoding='utf-8')


def test_a_book_without_code_does_not_embed_the_code_face(essay_build: Path) -> None:
    from makebook.pdf.fonts import embedded_fonts

    fonts = {name for name, _ in embedded_fonts((essay_build / ESSAY_PDF).read_bytes())}
    assert not any('Code' in name for name in fonts), fonts


# ---- Justification (benchmarks/justification.py) ----

def _within_targets(figures) -> None:
    assert figures.lines > 200 and figures.justified > 150
    assert 0.2 < figures.natural_space_em < 0.26
    assert figures.loose_share <= 0.10, figures.examples['loose']
    assert figures.hyphen_share <= 0.10
    assert figures.hyphen_run <= 2, figures.examples['ladders']
    assert figures.one_word_last_lines == 0, figures.examples['one-word last lines']
    assert figures.fragment_lines == 0, figures.examples['fragments']
    assert figures.median_stretch < 0.30


def test_the_essay_is_justified_within_the_targets(essay_build: Path) -> None:
    _within_targets(measure(essay_build / ESSAY_PDF))


def test_a_long_book_is_justified_within_the_targets(tmp_path_factory: pytest.TempPathFactory) -> None:
    from benchmarks.justification import long_book

    from makebook.cli import main

    folder = long_book(tmp_path_factory.mktemp('long') / 'long-essay')
    out = folder.parent / 'out'
    assert main([str(folder), '-o', str(out), '-q', '--format', 'pdf']) == 0
    figures = measure(out / 'a-long-essay.pdf')
    assert figures.pages > 30
    _within_targets(figures)


# ---- Front matter, page labels, running heads ----

def _page_text(pdf: Path, contains: str) -> str:
    return next(text for text in pdf_pages_text(pdf) if contains in text)


def test_the_title_page_names_each_contributor_with_their_role(typesetting_build: Path) -> None:
    title = ' '.join(_page_text(typesetting_build / f'{SLUG}.pdf', 'Notes on Keeping').split())
    squashed = title.replace(' ', '')  # pdftotext spaces out letter-spaced capitals
    assert 'MARTHELINDQVIST' in squashed and 'JONASBERG' not in squashed  # authors only
    for line in ('Translated from the Swedish by Jonas Berg', 'Edited by Ines Okafor',
                 'Illustrated by Pell Arden'):
        assert line in title, line
    assert 'HARBOURLIGHTPRESS' in squashed
    epub = Epub(typesetting_build / f'{SLUG}.epub')
    page = ' '.join(''.join(epub.item('titlepage.xhtml').itertext()).split())
    assert 'Translated from the Swedish by Jonas Berg' in page


def test_the_copyright_page_reads_as_a_trade_book_s_at_the_foot_of_its_page(
        typesetting_build: Path, essay_build: Path) -> None:
    import pdfplumber

    pdf = typesetting_build / f'{SLUG}.pdf'
    text = ' '.join(_page_text(pdf, 'First published').split())
    for line in ('First published in 2024 by Harbour Light Press', 'ISBN 978-1-4028-9462-6',
                 'Set in Source Serif Pro and Source Code Pro'):
        assert line in text, line
    with pdfplumber.open(str(pdf)) as document:
        page = next(p for p in document.pages if 'First published' in (p.extract_text() or ''))
        lowest = max(c['bottom'] for c in page.chars)
        highest = min(c['top'] for c in page.chars)
        assert highest > 0.55 * float(page.height)  # the block sits low, not mid-page
        assert lowest > 0.8 * float(page.height)
    essay = ' '.join(_page_text(essay_build / ESSAY_PDF, 'First published').split())
    assert 'First published in 2026' in essay and 'urn:uuid' not in essay and 'Identifier' not in essay


def test_page_labels_match_the_printed_folios_and_the_count_is_even(typesetting_build: Path,
                                                                    essay_build: Path) -> None:
    from pypdf import PdfReader

    for pdf in (typesetting_build / f'{SLUG}.pdf', essay_build / ESSAY_PDF):
        reader = PdfReader(str(pdf))
        labels = reader.page_labels
        assert len(reader.pages) % 2 == 0
        assert labels[0] == 'i'
        first_arabic = next(i for i, label in enumerate(labels) if label.isdigit())
        assert labels[first_arabic] == '1' and all(not label.isdigit() for label in labels[:first_arabic])
        texts = pdf_pages_text(pdf)
        for label, text in zip(labels, texts, strict=True):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines and re.fullmatch(r'\d+|[ivxlc]+', lines[-1]):
                assert lines[-1] == label  # the printed folio is the viewer's page number


def test_running_heads_use_the_short_title_or_a_natural_break(typesetting_build: Path) -> None:
    heads = {line.strip() for text in pdf_pages_text(typesetting_build / f'{SLUG}.pdf')
             for line in text.splitlines()[:2] if line.strip().isupper()}
    assert 'INSTRUMENTS AND THEIR SETTINGS' in heads  # {short-title="..."}
    assert 'THE LIGHT AND ITS KEEPER' in heads  # cut at its colon
    assert not any('…' in head for head in heads)


# ---- Notes that fit never fail the build (point 10) ----

def _note_dense_book(folder: Path, trim: str) -> int:
    """A history chapter's worth of paragraphs, two or three notes each: mostly short ones
    ('Ibid., p. 254.'), some of three lines. Returns how many notes it has."""
    sentences = ('The committee met again in the spring of that year, and its minutes record little',
                 'Families who had left the county wrote home about wages and the cost of board',
                 'The newspaper printed their letters, sometimes whole, more often in part',
                 'A later survey counted the departures by township and by month')
    short = ('Ibid., p. {n}.', 'Ibid.', 'Minutes, {n} March.', 'See note {n}.', 'Survey, table {n}.')
    long = ('The letter survives in two copies, one in the county archive and one among the family '
            'papers, which differ in the figure given for the weekly wage; the archive copy is the '
            'earlier, and its figure ({n} cents) is the one the committee quoted.')
    paragraphs, notes, n = [], [], 0
    for number in range(24):
        parts = []
        for index in range(2 + number % 2):
            n += 1
            parts.append(f'{sentences[(number + index) % 4]}.[^n{n}] {sentences[(number + index + 1) % 4]}.')
            text = long if n % 7 == 0 else short[n % len(short)]
            notes.append(f'[^n{n}]: {text.format(n=200 + n)}')
        paragraphs.append(' '.join(parts))
    (folder / '01-migration.md').write_text('# The Migration\n\n' + '\n\n'.join(paragraphs) + '\n\n'
                                             + '\n'.join(notes) + '\n', encoding='utf-8')
    (folder / 'metadata.yaml').write_text('title: Notes Everywhere\nauthor: A. Historian\nlang: en\n'
                                           f'trim-size: {trim}\n', encoding='utf-8')
    return n


@pytest.mark.parametrize('trim', ['5x8', '6x9'])
def test_a_note_dense_book_builds_at_every_trim_each_note_on_its_call_s_page(tmp_path: Path,
                                                                            trim: str) -> None:
    from makebook.cli import main
    from tests.tools import pdf_words

    book = tmp_path / 'book'
    book.mkdir()
    count = _note_dense_book(book, trim)
    assert main([str(book), '-o', str(tmp_path / 'out'), '-q', '--format', 'pdf']) == 0
    seen = 0
    for number, words in enumerate(pdf_words(next((tmp_path / 'out').glob('*.pdf'))), start=1):
        calls = sorted(int(w['text']) for w in words if w['text'].isdigit() and w['size'] < 8.0)
        notes = [w for w in words if 8.0 <= w['size'] < 8.5]
        left = min((w['x0'] for w in notes), default=0.0)
        markers = sorted(int(w['text'][:-1]) for w in notes
                         if re.fullmatch(r'\d+\.', w['text']) and abs(w['x0'] - left) < 1.5)
        assert calls == markers, f'page {number}: calls {calls}, notes {markers}'
        seen += len(markers)
    assert seen == count
