"""A small book using every foundation feature, built once in all three formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from makebook.cli import main
from tests.tools import NS, REPO, Epub, epubcheck_messages, page_size, run_epubcheck

SLUG = 'a-small-book-of-tests'


@pytest.fixture(scope='module')
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp('small') / 'build'
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', '1764288000')
        assert main([str(REPO / 'tests' / 'books' / 'small'), '-o', str(out), '-q']) == 0
    return out


def test_epubcheck_reports_nothing(small_build: Path, tmp_path: Path) -> None:
    assert epubcheck_messages(run_epubcheck(small_build / f'{SLUG}.epub', tmp_path)) == []


def test_epub_structure(small_build: Path) -> None:
    epub = Epub(small_build / f'{SLUG}.epub')
    creators = epub.opf.findall('.//dc:creator', NS)
    assert [c.text for c in creators] == ['Ada Example', 'Ben Editor']
    assert len({c.get('id') for c in creators}) == 2
    assert epub.opf.findtext('.//dc:language', namespaces=NS) == 'en-GB'
    manifest = {item.get('href'): item.get('media-type') for item in epub.manifest().values()}
    assert manifest['images/plant.png'] == 'image/png'
    titles = [a.text for a in epub.item('nav.xhtml').iterfind('.//x:nav[@epub:type="toc"]/x:ol/x:li/x:a', NS)]
    assert titles == ['Opening', 'Second Chapter in the Same File', 'Tables and Code',
                      'A Chapter From Front Matter']
    opening = epub.item('chapter-001.xhtml')
    hrefs = [a.get('href') for a in opening.iterfind('.//x:p/x:a', NS)]
    assert 'chapter-003.xhtml#tables-and-code' in hrefs
    assert 'chapter-003.xhtml#measures' in hrefs
    for document in epub.spine_documents():
        assert document.get('lang') == 'en-GB'


def test_web_edition_has_its_assets_beside_it(small_build: Path) -> None:
    html = small_build / 'html'
    assert (html / 'images' / 'plant.png').read_bytes() == \
        (REPO / 'tests' / 'books' / 'small' / 'images' / 'plant.png').read_bytes()
    index = (html / 'index.html').read_text(encoding='utf-8')
    assert 'src="images/plant.png"' in index
    assert 'href="#measures"' in index
    assert (html / 'fonts' / 'LICENSE.txt').is_file()


def test_pdf_trim_size_and_metadata_come_from_the_metadata(small_build: Path) -> None:
    reader = PdfReader(str(small_build / f'{SLUG}.pdf'))
    assert page_size(reader) == (432, 648)  # 6in x 9in
    assert reader.metadata.author == 'Ada Example, Ben Editor'
    assert reader.metadata.title == 'A Small Book of Tests'
    assert reader.trailer['/Root']['/Lang'] == 'en-GB'
