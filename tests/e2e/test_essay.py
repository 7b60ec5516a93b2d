"""The shipped essay, built end to end, inspected through its real outputs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.tools import (
    NS,
    REPO,
    Epub,
    epubcheck_messages,
    html_blocks,
    page_size,
    pdf_pages_text,
    run_epubcheck,
)

SEED = REPO / 'tests' / 'books' / 'essay-seed.txt'
SLUG = 'leon-the-professional'


def seed_lines() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding='utf-8').splitlines() if line.strip()]


def test_outputs_are_where_the_readme_says(essay_build: Path) -> None:
    assert (essay_build / f'{SLUG}.epub').is_file()
    assert (essay_build / f'{SLUG}.pdf').is_file()
    assert (essay_build / 'html' / 'index.html').is_file()
    assert (essay_build / 'html' / 'style.css').is_file()


def test_epubcheck_reports_nothing(essay_build: Path, tmp_path: Path) -> None:
    report = run_epubcheck(essay_build / f'{SLUG}.epub', tmp_path)
    assert report['checker']['nFatal'] == 0
    assert epubcheck_messages(report) == []


@pytest.mark.parametrize('edition', ['epub', 'html'])
def test_every_line_of_the_essay_survives_verbatim(essay_build: Path, edition: str) -> None:
    if edition == 'epub':
        blocks = Epub(essay_build / f'{SLUG}.epub').text_blocks()
    else:
        blocks = html_blocks(essay_build / 'html' / 'index.html')
    missing = [line for line in seed_lines() if line not in blocks]
    assert missing == []


def test_epub_metadata_and_navigation(essay_build: Path) -> None:
    epub = Epub(essay_build / f'{SLUG}.epub')
    opf = epub.opf
    assert opf.findtext('.//dc:title', namespaces=NS) == 'Léon: The Professional'
    assert opf.findtext('.//dc:language', namespaces=NS) == 'en'
    assert [c.text for c in opf.iterfind('.//dc:creator', NS)] == ['Anonymous']
    identifier = opf.findtext('.//dc:identifier', namespaces=NS)
    assert identifier.startswith('urn:uuid:')
    modified = opf.findtext('.//opf:meta[@property="dcterms:modified"]', namespaces=NS)
    assert modified == '2025-11-28T00:00:00Z'
    nav = epub.item('nav.xhtml')
    labels = [a.text for a in nav.iterfind('.//x:nav[@epub:type="toc"]/x:ol/x:li/x:a', NS)]
    headings = ['Introduction'] + [line for line in seed_lines() if len(line) < 60]
    assert labels == headings
    ncx_labels = [t.text for t in epub.item('toc.ncx').iterfind('.//ncx:navPoint/ncx:navLabel/ncx:text',
                                                                NS)]
    assert ncx_labels == headings


def test_the_identifier_is_the_same_on_every_build(essay_build: Path, tmp_path: Path) -> None:
    from makebook.cli import main
    again = tmp_path / 'again'
    # With the PDF too: the EPUB then carries the print edition's page numbers.
    assert main([str(REPO / 'manuscript'), '-o', str(again), '-q', '--format', 'epub,pdf']) == 0
    first = Epub(essay_build / f'{SLUG}.epub').opf.findtext('.//dc:identifier', namespaces=NS)
    second = Epub(again / f'{SLUG}.epub').opf.findtext('.//dc:identifier', namespaces=NS)
    assert first == second
    assert (again / f'{SLUG}.epub').read_bytes() == (essay_build / f'{SLUG}.epub').read_bytes()


def folio(page_text: str) -> str | None:
    """The page number printed at the foot of a page (last non-empty line)."""
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return lines[-1] if lines and re.fullmatch(r'[0-9]+|[ivxlc]+', lines[-1]) else None


def test_pdf_toc_page_numbers_match_the_chapter_pages(essay_build: Path) -> None:
    pages = pdf_pages_text(essay_build / f'{SLUG}.pdf')
    toc_page = next(i for i, text in enumerate(pages) if 'Contents' in text)
    entries = re.findall(r'^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$', pages[toc_page], re.MULTILINE)
    assert len(entries) == 8
    for title, number in entries:
        opener = next(i for i, text in enumerate(pages)
                      if i > toc_page and ' '.join(title.split()[:3]) in ' '.join(text.split()))
        # An opener prints no folio: read the nearest printed arabic one and count.
        nearest = min((i for i in range(toc_page + 1, len(pages)) if (folio(pages[i]) or '').isdigit()),
                      key=lambda i: abs(i - opener))
        assert int(folio(pages[nearest])) + (opener - nearest) == int(number), (title, number)
        assert opener % 2 == 0, f'{title} opens on a left-hand page'  # index 0 is page 1 (recto)


def test_pdf_is_a_book(essay_build: Path) -> None:
    reader = PdfReader(str(essay_build / f'{SLUG}.pdf'))
    assert page_size(reader) == (396, 612)  # 5.5in x 8.5in
    assert reader.metadata.title == 'Léon: The Professional'
    assert reader.metadata.author == 'Anonymous'
    assert reader.trailer['/Root']['/Lang'] == 'en'
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert 'Conclusion' in outline
    assert 'Characters That Leave a Mark' in outline
    fonts = set()
    for page in reader.pages:
        for font in (page['/Resources'].get('/Font') or {}).values():
            font = font.get_object()
            descriptor = font['/DescendantFonts'][0].get_object()['/FontDescriptor'] \
                if '/DescendantFonts' in font else font.get('/FontDescriptor')
            assert descriptor is not None, font
            assert any(key in descriptor for key in ('/FontFile', '/FontFile2', '/FontFile3')), font
            fonts.add(str(font['/BaseFont']).split('+')[-1])
    assert fonts
    assert all(name.startswith('Source-Serif-Pro') for name in fonts), fonts


def chapter_titles() -> list[str]:
    return ['Introduction'] + [line for line in seed_lines() if len(line) < 60]


def test_pdf_bookmarks_and_toc_links_lead_to_every_chapter(essay_build: Path) -> None:
    reader = PdfReader(str(essay_build / f'{SLUG}.pdf'))
    pages = pdf_pages_text(essay_build / f'{SLUG}.pdf')
    contents = next(i for i, text in enumerate(pages) if 'Contents' in text)  # after the front matter
    opener = {title: next(i for i, text in enumerate(pages) if i > contents and
                          ' '.join(title.split()[:3]) in ' '.join(text.split()))
              for title in chapter_titles()}
    bookmarks = {item.title: reader.get_destination_page_number(item)
                 for item in reader.outline if not isinstance(item, list)}
    for title, page in opener.items():
        assert bookmarks[title] == page, title
    toc_page = next(i for i, text in enumerate(pages) if 'Contents' in text)
    targets = []
    for annotation in reader.pages[toc_page].get('/Annots') or []:
        annotation = annotation.get_object()
        if annotation.get('/Subtype') == '/Link' and '/Dest' in annotation:
            destination = annotation['/Dest']  # WeasyPrint writes named destinations
            named = reader.named_destinations[str(destination)]
            targets.append(reader.get_destination_page_number(named))
    assert sorted(set(targets)) == sorted(opener.values())


def test_pdf_openers_and_blank_pages_carry_no_running_head_or_folio(essay_build: Path) -> None:
    pages = pdf_pages_text(essay_build / f'{SLUG}.pdf')
    contents = next(i for i, text in enumerate(pages) if 'Contents' in text)  # the front matter's end
    for index, text in enumerate(pages):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        titles = [t for t in chapter_titles() if ' '.join(t.split()[:3]) in ' '.join(text.split())]
        if not lines:
            continue  # a blank verso: nothing printed at all
        if index > contents and titles and (lines[0] in titles or lines[0].startswith('CHAPTER')):
            assert folio(text) is None, f'page {index + 1} is an opener with a folio'
        elif index > contents:
            assert folio(text) is not None, f'page {index + 1} has no folio'
            running_head = lines[0]
            expected = 'LÉON: THE PROFESSIONAL' if index % 2 else None
            if expected:
                assert running_head == expected, (index + 1, running_head)
            else:
                assert running_head.title() in [t.title() for t in chapter_titles()], running_head


@pytest.mark.skipif(not shutil.which('ebook-meta'), reason='Calibre is not installed')
def test_calibre_reads_title_authors_and_language(essay_build: Path) -> None:
    done = subprocess.run(['ebook-meta', str(essay_build / f'{SLUG}.epub')],
                          capture_output=True, text=True, timeout=120, check=True)
    fields = dict(line.split(':', 1) for line in done.stdout.splitlines() if ':' in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields['Title'] == 'Léon: The Professional'
    assert fields['Author(s)'] == 'Anonymous'
    assert fields['Languages'] == 'eng'
