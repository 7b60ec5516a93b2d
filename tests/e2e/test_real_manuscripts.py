"""A manuscript written for other tools, built unedited (tests/books/real-world).

It holds what the real books of issue 14 held: a pandoc metadata.yml (between
'---' lines, structured title and creator, a tab in a value, a date as people
write it), a foreword, a chapter file with no heading, links to chapters' pages
and mdBook-style heading ids, a link out of the book and a typo, an SVG exported
by a drawing program, a Quarto table caption and numbered formula, notes that
restart at 1 in each file and sit in a table, a list (with an item nested by two
spaces) and a quotation, a note
nobody cites, a `.markdown` file opening with '##', a blank Quarto heading (and a
decorative image with empty alt text), a
character the book face lacks, symbols (arrows, dingbats, box drawing) in text and
code, and a Graphviz SVG whose text names Times.
The book is built once, in all three formats, with the system's temporary folder
pointed at an empty one, which must be empty again afterwards.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from makebook.cli import main
from tests.conftest import ESSAY_EPOCH
from tests.tools import BOOKS, NS, Epub, epubcheck_messages, pdf_pages_text, run_epubcheck

BOOK = BOOKS / 'real-world'


@dataclass
class Built:
    out: Path
    err: str
    temporary_left: list[str]

    @property
    def epub(self) -> Epub:
        return Epub(self.out / 'other-tools-books.epub')

    @property
    def pdf(self) -> Path:
        return self.out / 'other-tools-books.pdf'


@pytest.fixture(scope='session')
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp('real-world') / 'build'
    temporary = tmp_path_factory.mktemp('system-temp')
    capture = tmp_path_factory.mktemp('stderr') / 'err.txt'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        patch.setenv('TMPDIR', str(temporary))
        patch.setattr(tempfile, 'tempdir', str(temporary))  # read once, then cached by tempfile
        import sys
        with capture.open('w', encoding='utf-8') as stream:
            patch.setattr(sys, 'stderr', stream)
            assert main([str(BOOK), '-o', str(out)]) == 0
    return Built(out, capture.read_text(encoding='utf-8'), sorted(p.name for p in temporary.iterdir()))


def test_nothing_is_left_in_the_system_temporary_folder(built: Built) -> None:
    """WeasyPrint copies the fonts into 'weasyprint-*' and removes them only when garbage
    collected, which the PDF child never is; make-book removes them itself."""
    assert built.temporary_left == []


def test_the_epub_is_valid(built: Built, tmp_path: Path) -> None:
    assert epubcheck_messages(run_epubcheck(built.out / 'other-tools-books.epub', tmp_path)) == []


def test_what_was_done_is_said_once_each_with_file_and_line(built: Built) -> None:
    warnings = [line.split(' warning: ')[0].rsplit('/', 1)[-1]  # shown relative to the current folder
                for line in built.err.splitlines() if ' warning: ' in line]
    assert sorted(warnings) == ['01-untitled.md:1: MB300', '01-untitled.md:5: MB301',
                                '01-untitled.md:5: MB301', '01-untitled.md:8: MB330',
                                '02-harbour.md:25: MB430', '02-harbour.md:25: MB430',  # symbols: 2 faces
                                '02-harbour.md:4: MB430', '04-blank.md:1: MB331', '04-blank.md:5: MB304']
    assert "'ϰ' (U+03F0 GREEK KAPPA SYMBOL) in chapter 'The Harbour' is not in the book's faces, and set " \
        'in the fallback face Noto Serif' in built.err
    assert "'➜' (U+279C HEAVY ROUND-TIPPED RIGHTWARDS ARROW)" in built.err
    assert 'set in the fallback face DejaVu Sans' in built.err
    assert 'make-book: Layout: folder (4 .md files, 1 .markdown file)' in built.err


def test_the_metadata_pandoc_wrote(built: Built) -> None:
    opf = built.epub.opf
    # The title's straight apostrophe is set as the book's language sets one (config/typography.py).
    assert opf.findtext('.//dc:title', namespaces=NS) == 'Other Tools’ Books'
    assert opf.findtext('.//dc:creator', namespaces=NS) == 'Ann Author'
    assert opf.findtext('.//dc:date', namespaces=NS) == '1918-03-31'
    assert opf.findtext('.//dc:rights', namespaces=NS) == 'Public domain'


def test_every_file_is_a_chapter_titled_and_counted_as_a_reader_expects(built: Built) -> None:
    nav = built.epub.item('nav.xhtml')
    toc = nav.find('.//x:nav[@epub:type="toc"]', NS)
    entries = [' '.join(''.join(a.itertext()).split()) for a in toc.iterfind('x:ol/x:li/x:a', NS)]
    assert entries == ['Foreword', 'Chapter 1', 'The Harbour', 'The Lighthouse',
                       'A page whose heading is blank,…']
    pages = pdf_pages_text(built.pdf)
    openers = [' '.join(page.split()) for page in pages if 'The Harbour' in page or 'Chapter 1' in page]
    assert any(text.startswith('Chapter 1 The first chapter file') for text in openers)  # no label above
    assert any('CHAPTER 2 The Harbour' in text for text in openers)  # the foreword is not counted
    assert not any('CHAPTER 1' in page for page in pages)
    # The PDF's contents name the blank-headed page as the EPUB does, never an entry with no title.
    contents = ' '.join(next(page for page in pages if page.lstrip().startswith('Contents')).split())
    assert 'A page whose heading is blank,…' in contents


def test_links_written_for_other_tools_reach_their_targets(built: Built) -> None:
    documents = built.epub.chapter_documents()
    first = documents[1]  # after the foreword
    links = {''.join(a.itertext()): a.get('href') for a in first.iterfind('.//x:p//x:a', NS)
             if a.get('epub:type') != 'noteref' and not a.get('href', '').startswith('#fn')}
    assert links['the harbour'].endswith('#the-harbour')
    assert links['operator section'].endswith('#wheres-the-operator')
    text = ' '.join(''.join(first.itertext()).split())
    assert 'a page of another book and a typo' in text  # kept as text, without their links


def test_notes_restart_sit_anywhere_and_none_is_lost(built: Built) -> None:
    documents = built.epub.chapter_documents()
    harbour = documents[2]
    calls = [a.text for a in harbour.iterfind('.//x:a[@epub:type="noteref"]', NS)]
    assert calls == ['1', '1', '2', '3', '4']
    notes = [' '.join(''.join(aside.itertext()).split())
             for aside in harbour.iterfind('.//x:aside[@epub:type="footnote"]', NS)]
    assert notes == ['1. The second file’s first note.', '2. A note in a table.', '3. A note in a list.',
                     '4. A note in a block quote.']
    assert 'A note nobody cites, kept as text.' in ''.join(documents[1].itertext())


def test_a_list_nested_by_two_spaces_is_nested_and_its_marker_is_in_the_book_face(built: Built) -> None:
    """CommonMark and pandoc nest an item indented by two spaces; the PDF marks the inner list
    with an en dash the book face has (WeasyPrint's circle, U+25E6, failed the font check)."""
    harbour = built.epub.chapter_documents()[2]
    inner = harbour.find('.//x:ul/x:li/x:ul/x:li', NS)
    assert inner is not None and ''.join(inner.itertext()).startswith('A nested item')
    page = next(p for p in pdf_pages_text(built.pdf) if 'A nested item' in p)
    assert '\u2013 A nested item' in ' '.join(page.split())


def test_table_captions_formulas_and_their_references(built: Built) -> None:
    harbour = built.epub.chapter_documents()[2]
    caption = harbour.find('.//x:table/x:caption', NS)
    assert ' '.join(''.join(caption.itertext()).split()) == 'Table 1. Ships in port'
    assert harbour.find('.//x:dl', NS) is None
    assert 'See table 1 and equation 1.' in ' '.join(''.join(harbour.itertext()).split())
    assert any('See table 1 and equation 1.' in ' '.join(page.split()) for page in pdf_pages_text(built.pdf))


def test_a_character_the_faces_lack_is_set_in_a_fallback_face_in_every_edition(built: Built) -> None:
    """The PDF embeds Noto Serif for the kappa symbol (and for the SVG's text, which names Times:
    the PDF sets it in the book's faces, never a system font); the EPUB and web edition carry a
    subset of it, and its licence."""
    import io
    import subprocess

    from fontTools.ttLib import TTFont
    listed = subprocess.run(['pdffonts', str(built.pdf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split('+')[-1] for line in listed.splitlines()[2:]}
    # Source Code Pro sets the code ('->' in a heading); Noto Serif the kappa symbol alone.
    assert names == {'Source-Serif-Pro', 'Source-Serif-Pro-Semi-Bold', 'Source-Serif-Pro-Italic',
                     'Source-Code-Pro', 'Source-Code-Pro-Semi-Bold', 'Noto-Serif', 'STIX-Two-Math',
                     'DejaVu-Sans'}  # the symbols' faces (test_common_symbols_are_set_in_every_edition)
    epub = built.epub
    manifest = [item.get('href') for item in epub.manifest().values()]
    assert 'fonts/NotoSerif-wdth-wght-400.ttf' in manifest
    subset = TTFont(io.BytesIO(epub.read('EPUB/fonts/NotoSerif-wdth-wght-400.ttf')))
    assert 'fvar' not in subset and 0x3F0 in subset.getBestCmap() and len(subset.getGlyphOrder()) < 10
    licence = ''.join(epub.item('font-licence.xhtml').itertext())
    assert 'Noto Serif' in licence and 'Noto Project Authors' in licence
    assert "font-family: 'Noto Serif'" in (built.out / 'html' / 'style.css').read_text(encoding='utf-8')


# Symbols technical books use (pure bash bible's prompt arrow U+279C among them), as the fixture has them.
SYMBOLS = '➜ ✓ ✗ ✘ ★ ♠ ← ⇒ ∀ ≠ ┌─┐ ❯ ✦'


def test_common_symbols_are_set_in_every_edition(built: Built) -> None:
    """Arrows, dingbats, check and ballot marks, stars, card suits, math operators and box
    drawing: the Dingbats none of the OFL faces has are set in DejaVu Sans, the last fallback,
    embedded in the PDF, a subset in the EPUB and web edition, with its licence named."""
    import io
    import subprocess

    from fontTools.ttLib import TTFont
    text = ' '.join(subprocess.run(['pdftotext', '-enc', 'UTF-8', str(built.pdf), '-'], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert SYMBOLS in text and "PS1='➜ '" in text
    listed = subprocess.run(['pdffonts', str(built.pdf)], capture_output=True, text=True, check=True).stdout
    embedded = {line.split()[0].split('+')[-1]: line.split()[-5] for line in listed.splitlines()[2:]}
    assert embedded['DejaVu-Sans'] == 'yes' and embedded['STIX-Two-Math'] == 'yes'
    harbour = built.epub.chapter_documents()[2]
    assert SYMBOLS in ''.join(harbour.itertext()) and "PS1='➜ '" in ''.join(harbour.itertext())
    subset = TTFont(io.BytesIO(built.epub.read('EPUB/fonts/DejaVuSans-400.ttf')))
    assert {0x279C, 0x2717, 0x2718, 0x276F, 0x2726} <= set(subset.getBestCmap())
    assert len(subset.getGlyphOrder()) < 12  # those five alone, and .notdef
    licence = ''.join(built.epub.item('font-licence.xhtml').itertext())
    assert 'DejaVu changes are in public domain' in licence and 'Bitstream Vera Fonts Copyright' in licence
    credit = ' '.join(''.join(built.epub.item('copyright.xhtml').itertext()).split())
    assert 'DejaVu Sans, and Source Code Pro, used under the SIL Open Font License 1.1 and Bitstream Vera ' \
        'Fonts License.' in credit
    web = built.out / 'html'
    assert "font-family: 'DejaVu Sans'" in (web / 'style.css').read_text(encoding='utf-8')
    assert (web / 'fonts' / 'DejaVuSans-400.ttf').is_file()
    assert any(SYMBOLS in page.read_text(encoding='utf-8') for page in web.glob('*.html'))


def test_the_svg_a_drawing_program_exported_is_in_every_edition_without_its_dtd(built: Built) -> None:
    svg = built.epub.read('EPUB/images/lighthouse.svg')
    assert b'<!DOCTYPE' not in svg and b'&ns_svg;' not in svg
    assert etree.fromstring(svg).tag == '{http://www.w3.org/2000/svg}svg'
    assert (built.out / 'html' / 'images' / 'lighthouse.svg').read_bytes() == svg


def test_weasyprint_does_not_repeat_what_make_book_said(write_book, tmp_path: Path) -> None:
    """A decorative image (empty alt text) was MB304 once, then WeasyPrint's own line, with no
    place, once per layout (five times in the Quarto history book). Run as a user runs it: the
    command's own logging prints WeasyPrint's records, which pytest would capture in-process."""
    import shutil
    import subprocess
    import sys
    book = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\n![](images/l.svg)\n'})
    (book / 'images').mkdir()
    shutil.copy(BOOK / 'images' / 'lighthouse.svg', book / 'images' / 'l.svg')
    done = subprocess.run([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(tmp_path / 'o'),
                           '--format', 'pdf'], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count('MB304') == 1
    assert 'has no required alt description' not in done.stderr
