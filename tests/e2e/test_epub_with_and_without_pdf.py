"""The EPUB is the same whether or not the PDF is built in the same run, but for the print page data.

The feature book (a dedication and an epigraph on roman pages, footnotes, images, a
table) is built with every format (the session's features_build) and with
``--format epub``. Both are unzipped; with the page-break markers, the nav's page-list,
the NCX's pageList and page counts, and the OPF's dc:source, pageBreakSource, the
printPageNumbers and pageNavigation features and the summary's sentence about page
numbers taken out (tests.tools.without_print_pages), every entry is byte-identical.
"""

from __future__ import annotations

import re
from pathlib import Path

from makebook.cli import main
from tests.tools import BOOKS, without_print_pages, zip_entries

FEATURES = 'the-lighthouse-keepers-logbook'


def test_the_epub_differs_only_by_the_print_page_data(features_build: Path, tmp_path: Path) -> None:
    alone_dir = tmp_path / 'epub-only'
    assert main([str(BOOKS / 'epub-features'), '-o', str(alone_dir), '-q', '--format', 'epub']) == 0
    with_pdf = zip_entries(features_build / f'{FEATURES}.epub')
    alone = zip_entries(alone_dir / f'{FEATURES}.epub')
    assert list(with_pdf) == list(alone)  # the same entries in the same order

    removed: dict[str, list[bytes]] = {}
    for name, data in with_pdf.items():
        stripped, taken = without_print_pages(name, data)
        assert stripped == without_print_pages(name, alone[name])[0], name
        if taken:
            removed[name] = taken
    # Without the PDF there was none of it (the NCX's page counts are there, at zero).
    found_alone = {name: without_print_pages(name, data)[1] for name, data in alone.items()}
    assert {name: taken for name, taken in found_alone.items() if taken} == {
        'EPUB/toc.ncx': [b'\n    <meta content="0" name="dtb:totalPageCount"/>',
                         b'\n    <meta content="0" name="dtb:maxPageNumber"/>']}

    # What was taken out is the print page data, all of it, and is consistent.
    markers = [re.search(rb'id="page-([^"]+)"', m).group(1) for name, taken in removed.items()
               if name.startswith('EPUB/chapter-') for m in taken]
    assert len(markers) >= 5 and len(set(markers)) == len(markers)
    assert any(re.fullmatch(rb'[ivx]+', m) for m in markers)  # the dedication's roman page
    page_list, = removed['EPUB/nav.xhtml']
    assert re.findall(rb'#page-([^"]+)"', page_list) == markers  # every marker listed, in reading order
    ncx = b''.join(removed['EPUB/toc.ncx'])
    assert re.findall(rb'<content src="[^"]+#page-([^"]+)"/>', ncx) == markers
    assert f'content="{len(markers)}" name="dtb:totalPageCount"'.encode() in ncx
    assert [piece.strip() for piece in removed['EPUB/content.opf']] == [
        b'<dc:source>urn:isbn:9780306406157</dc:source>',  # the print edition, by its ISBN
        b'<meta property="pageBreakSource">urn:isbn:9780306406157</meta>',
        b'<meta property="schema:accessibilityFeature">printPageNumbers</meta>',
        b'<meta property="schema:accessibilityFeature">pageNavigation</meta>',
        b'Page numbers of the print edition are marked and can be navigated to.']
    assert set(removed) == {'EPUB/content.opf', 'EPUB/nav.xhtml', 'EPUB/toc.ncx'} | {
        name for name in with_pdf if name.startswith('EPUB/chapter-')}
