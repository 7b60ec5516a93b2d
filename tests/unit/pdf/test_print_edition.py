"""print_edition on a tiny book: one real WeasyPrint layout (about a second), read back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from makebook.model import PrintedBook
from makebook.pdf import print_edition, write_pdf
from makebook.pdf.fonts import embedded_fonts
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.conftest import ESSAY_EPOCH

TINY = '---\ntitle: Tiny\nauthor: A\nlang: en\n---\n# One\n\nFirst words.\n\nMore.\n\n# Two\n\nSecond words.'


@pytest.fixture(scope='module')
def printed(tmp_path_factory: pytest.TempPathFactory) -> PrintedBook:
    folder = tmp_path_factory.mktemp('tiny')
    (folder / '01.md').write_text(TINY, encoding='utf-8')
    with pytest.MonkeyPatch.context() as patch:  # module scope: before the autouse fixture
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        return print_edition(render_book(read_manuscript(folder)))


def page_texts(pdf: bytes) -> list[str]:
    return [' '.join((page.extract_text() or '').split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_book_is_laid_out_as_a_book(printed: PrintedBook) -> None:
    assert printed.pdf.startswith(b'%PDF-')
    texts = page_texts(printed.pdf)
    # Half-title, its blank verso, title page, copyright page, contents, a blank verso,
    # then each chapter on a recto (page 1; a blank page 2; page 3), and a blank page to
    # make the count even.
    assert len(texts) == 10
    assert texts[:4] == ['TINY', '', 'Tiny A', 'Set in Source Serif Pro, used under the SIL Open Font '
                                                'License 1.1.']
    assert texts[4].startswith('Contents One') and 'Two' in texts[4]
    assert texts[5:] == ['', 'CHAPTER 1 One First words. More.', '', 'CHAPTER 2 Two Second words.', '']


def test_page_breaks_start_at_the_first_chapter_with_the_printed_folios(printed: PrintedBook) -> None:
    assert printed.pages.breaks == (('1', 'one'), ('3', 'two'))
    texts = page_texts(printed.pdf)
    one = next(i for i, text in enumerate(texts) if 'First words' in text)
    two = next(i for i, text in enumerate(texts) if 'Second words' in text)
    assert two - one == 3 - 1  # the folios count the pages between them
    assert printed.pages.folio_of('one') == '1'
    assert printed.pages.source.startswith('urn:uuid:')  # no ISBN: the book's identifier


def test_every_font_is_the_book_face_and_embedded(printed: PrintedBook) -> None:
    fonts = embedded_fonts(printed.pdf)
    assert fonts
    assert all(embedded for _, embedded in fonts)
    assert {name for name, _ in fonts} <= {'Source-Serif-Pro', 'Source-Serif-Pro-Semi-Bold',
                                           'Source-Serif-Pro-Italic', 'Source-Serif-Pro-Bold',
                                           'Source-Serif-Pro-Bold-Italic'}
    assert 'Source-Serif-Pro' in {name for name, _ in fonts}


def test_the_same_book_elsewhere_gives_the_same_pdf(printed: PrintedBook,
                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp('tiny-again')
    (folder / '01.md').write_text(TINY, encoding='utf-8')
    assert write_pdf(render_book(read_manuscript(folder))) == printed.pdf


def test_the_fonts_read_as_the_pdf_is_written_are_those_in_the_file(tmp_path) -> None:
    """print_edition checks the fonts WeasyPrint writes (fonts.document_fonts), not the file read back
    by pypdf (a tenth of a long book's PDF time): both find the same fonts, embedded or not."""
    from makebook.pdf import engine
    from makebook.pdf.fonts import document_fonts

    (tmp_path / '01.md').write_text('---\ntitle: F\nauthor: A\nlang: en\n---\n# One\n\n*Italic*, **bold**, '
                                    '`code`, ☃ and $x^2$.\n', encoding='utf-8')
    book = render_book(read_manuscript(tmp_path))
    written: list[tuple[str, bool]] = []
    pdf = engine.write(book, engine.lay_out(book, 20), written)
    assert sorted(set(written)) == sorted(set(embedded_fonts(pdf)))
    assert {'Source-Serif-Pro-Italic', 'Source-Serif-Pro-Bold', 'Source-Code-Pro'} <= {n for n, _ in written}
    assert all(embedded for _, embedded in written)
    bitmap = {'Type': '/Font', 'Subtype': '/Type3', 'BaseFont': b'/AAAAAA+Bitmap'}  # no descriptor
    assert document_fonts(type('Written', (), {'objects': [bitmap]})()) == [('Bitmap', False)]


@pytest.mark.parametrize('variant', ['tagged', 'none', 'pdf/ua-1'])
def test_each_page_packed_as_it_is_painted_writes_the_same_pdf(tmp_path, monkeypatch, variant: str) -> None:
    """engine.write packs each page's drawing into the bytes it will be written as once the page is
    painted (the build's memory peak was there); the PDF is byte for byte the one WeasyPrint
    writes from the operators themselves: tagged (its marked content), untagged and PDF/UA."""
    from makebook.pdf import engine

    monkeypatch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
    text = ('# One\n\n*Italic*, **bold**, `code`, [a link](#two), $x^2$ and a note.[^n]\n\n> A quote.\n\n'
            '# Two {#two}\n\n- a list\n\n[^n]: The note.\n')
    head = f'---\ntitle: P\nauthor: A\nlang: en\npdf-variant: {variant}\n---\n'
    (tmp_path / '01.md').write_text(head + text, encoding='utf-8')
    book = render_book(read_manuscript(tmp_path))
    packed = engine.write(book, engine.lay_out(book, 20))
    drawn: list[object] = []
    monkeypatch.setattr(engine, '_pack_each_page', drawn.append)  # every operator kept to the end
    assert engine.write(book, engine.lay_out(book, 20)) == packed
    assert drawn  # the unpacked PDF really was written without packing
