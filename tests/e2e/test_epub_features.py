"""The EPUB edition of the essay and of tests/books/epub-features, through its real files.

The feature book has a cover image, a dedication and an epigraph, footnotes
numbered through the book, images with and without alt text, a table, three
contributors with roles, a series and an ISBN; tests/books/rtl-sample is a
right-to-left (Hebrew) book with a generated cover.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from makebook.cli import main
from tests.e2e.test_essay import folio
from tests.tools import (
    NS,
    REPO,
    Epub,
    ace_command,
    ace_violations,
    epub_documents,
    epubcheck_messages,
    make_book,
    pdf_pages_text,
    run_ace,
    run_epubcheck,
)

FEATURES = 'the-lighthouse-keepers-logbook'
ESSAY = 'leon-the-professional'
X = '{http://www.w3.org/1999/xhtml}'
EPUB_TYPE = '{http://www.idpf.org/2007/ops}type'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


@pytest.fixture(params=['essay', 'features', 'rtl', 'languages'])
def any_epub(request: pytest.FixtureRequest) -> Path:
    return _epub_for(request)


@pytest.fixture(params=['features', 'rtl', 'languages', 'languages-ar', 'cjk'])
def new_epub(request: pytest.FixtureRequest) -> Path:
    """The books test_essay.py does not already run EPUBCheck on."""
    return _epub_for(request)


def _epub_for(request: pytest.FixtureRequest) -> Path:
    """Each EPUB the suite builds: the essay, the feature book, the right-to-left book, the
    French book with German and Spanish chapters, the Arabic book, the Chinese book."""
    build, slug = {'essay': ('essay_build', ESSAY), 'features': ('features_build', FEATURES),
                   'rtl': ('rtl_build', 'book'),
                   'languages': ('languages_build', 'le-phare-carnet-d-un-gardien'),
                   'languages-ar': ('languages_ar_build', 'book'),
                   'cjk': ('cjk_build', 'book')}[request.param]
    return request.getfixturevalue(build) / f'{slug}.epub'


def meta_values(epub: Epub, prop: str) -> list[str]:
    return [m.text for m in epub.opf.iterfind(f'.//opf:meta[@property="{prop}"]', NS)]


# ---- validators ----

def test_epubcheck_reports_nothing(new_epub: Path, tmp_path: Path) -> None:
    report = run_epubcheck(new_epub, tmp_path)
    assert report['checker']['nFatal'] == 0
    assert epubcheck_messages(report) == []


@pytest.mark.skipif(ace_command() is None, reason='DAISY Ace is not installed (not in CI)')
def test_ace_reports_no_violation(any_epub: Path, tmp_path: Path) -> None:
    report = run_ace(any_epub, tmp_path / 'ace')
    assert ace_violations(report) == []
    assert report['earl:result']['earl:outcome'] == 'pass'


@pytest.mark.skipif(shutil.which('ebook-meta') is None, reason='Calibre is not installed (not in CI)')
def test_calibre_reads_the_metadata_and_cover(features_build: Path, tmp_path: Path) -> None:
    epub = features_build / f'{FEATURES}.epub'
    cover = tmp_path / 'cover.png'
    shown = subprocess.run(['ebook-meta', str(epub), f'--get-cover={cover}'], capture_output=True,
                           text=True, check=True).stdout
    fields = dict(line.split(':', 1) for line in shown.splitlines() if ':' in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    assert fields['Title'].startswith('The Lighthouse Keeper’s Logbook')
    assert fields['Author(s)'] == 'Mary Ellen Carter [Carter, Mary Ellen]'
    assert fields['Languages'] == 'eng'
    assert fields['Identifiers'] == 'isbn:9780306406157'
    assert fields['Series'] == 'Coastal Journals #2'
    assert cover.read_bytes() == (REPO / 'tests/books/epub-features/images/cover.png').read_bytes()


@pytest.mark.skipif(shutil.which('ebook-convert') is None, reason='Calibre is not installed (not in CI)')
def test_calibre_keeps_the_table_of_contents(features_build: Path, tmp_path: Path) -> None:
    converted = tmp_path / 'calibre.epub'
    subprocess.run(['ebook-convert', str(features_build / f'{FEATURES}.epub'), str(converted)],
                   capture_output=True, text=True, check=True, timeout=300)
    ncx = etree.fromstring(zipfile.ZipFile(converted).read('toc.ncx'))  # Calibre's is at the root
    labels = [t.text for t in ncx.iterfind('.//ncx:navPoint/ncx:navLabel/ncx:text', NS)]
    for title in ('Winter', 'Weather', 'Repairs', 'Spring', 'Birds', 'About the Log'):
        assert title in labels


# ---- accessibility ----

def test_every_document_has_a_language_and_roles_match_epub_types(any_epub: Path) -> None:
    epub = Epub(any_epub)
    language = epub.opf.findtext('.//dc:language', namespaces=NS)
    assert epub.opf.get(XML_LANG) == language
    # DPUB-ARIA roles for the semantics make-book writes; 'footnotes', the
    # landmarks and structural types such as 'bodymatter' have no role.
    roles = {'chapter': 'doc-chapter', 'noteref': 'doc-noteref', 'footnote': 'doc-footnote',
             'toc': 'doc-toc', 'pagebreak': 'doc-pagebreak', 'page-list': 'doc-pagelist',
             'dedication': 'doc-dedication', 'epigraph': 'doc-epigraph', 'appendix': 'doc-appendix',
             'cover': 'doc-cover'}
    for href, document in epub_documents(epub).items():
        assert document.get('lang') == language, href
        assert document.get(XML_LANG) == language, href
        assert document.findtext(f'{X}head/{X}title'), href
        for node in document.iter():
            kind = node.get(EPUB_TYPE) if isinstance(node.tag, str) else None
            if kind in roles and node.tag != f'{X}a':  # landmark links carry types, not roles
                assert node.get('role') == roles[kind], (href, kind)


def test_accessibility_metadata_is_computed_from_the_book(features_build: Path, essay_build: Path) -> None:
    features = Epub(features_build / f'{FEATURES}.epub')
    essay = Epub(essay_build / f'{ESSAY}.epub')
    for epub in (features, essay):
        assert meta_values(epub, 'schema:accessMode') == ['textual', 'visual']  # the cover is an image
        assert meta_values(epub, 'schema:accessibilityHazard') == ['none']
        assert 'textual,visual' in meta_values(epub, 'schema:accessModeSufficient')
        summary = meta_values(epub, 'schema:accessibilitySummary')
        assert len(summary) == 1
        assert len(summary[0]) > 80
        for feature in ('tableOfContents', 'readingOrder', 'structuralNavigation',
                        'printPageNumbers', 'pageNavigation'):  # both were built with their PDF
            assert feature in meta_values(epub, 'schema:accessibilityFeature')
    # The feature book has an image with empty alt text: no claim of alternative
    # text, no conformance claim, and the summary says so.
    assert 'alternativeText' not in meta_values(features, 'schema:accessibilityFeature')
    assert meta_values(features, 'dcterms:conformsTo') == []
    assert 'textual' not in meta_values(features, 'schema:accessModeSufficient')
    assert '1 image lacks a text description' in meta_values(features, 'schema:accessibilitySummary')[0]
    # The essay's only image is the cover, which has alt text.
    assert 'alternativeText' in meta_values(essay, 'schema:accessibilityFeature')
    assert meta_values(essay, 'dcterms:conformsTo') == ['EPUB Accessibility 1.1 - WCAG 2.2 Level AA']


def test_an_image_without_alt_text_is_a_warning_and_an_error_when_strict(capsys, tmp_path: Path) -> None:
    book = REPO / 'tests' / 'books' / 'epub-features'
    run = make_book(capsys, book, '-o', tmp_path / 'strict', '--format', 'epub', '--strict')
    assert run.status == 1
    line = next(n for n, text in enumerate((book / '03-spring.md').read_text().splitlines(), 1)
                if 'tern.png' in text)
    assert f"03-spring.md:{line}: MB304 warning: image 'images/tern.png' has empty alt text" in run.err
    assert not (tmp_path / 'strict').exists() or not any((tmp_path / 'strict').iterdir())


# ---- cover ----

@pytest.mark.parametrize(('build', 'slug', 'generated'), [('features_build', FEATURES, False),
                                                          ('essay_build', ESSAY, True)])
def test_every_cover_signal(request: pytest.FixtureRequest, build: str, slug: str, generated: bool) -> None:
    epub = Epub(request.getfixturevalue(build) / f'{slug}.epub')
    manifest = epub.manifest()
    covers = [item for item in manifest.values() if 'cover-image' in (item.get('properties') or '')]
    assert len(covers) == 1
    image = covers[0]
    assert image.get('media-type') == ('image/jpeg' if generated else 'image/png')
    meta = epub.opf.find('.//opf:meta[@name="cover"]', NS)
    assert meta.get('content') == image.get('id')
    first = manifest[epub.opf.find('.//opf:spine/opf:itemref', NS).get('idref')]
    assert first.get('href') == 'cover.xhtml'
    img = epub.item('cover.xhtml').find(f'.//{X}img')
    assert img.get('src') == image.get('href')
    assert img.get('alt').startswith('Cover of ')
    nav = epub.item('nav.xhtml')
    assert nav.find('.//x:nav[@epub:type="landmarks"]//x:a[@epub:type="cover"]', NS).get('href') \
        == 'cover.xhtml'
    guide = {r.get('type'): r.get('href') for r in epub.opf.iterfind('.//opf:guide/opf:reference', NS)}
    assert guide['cover'] == 'cover.xhtml'
    data = epub.read(f'{epub.folder}/{image.get("href")}')
    if generated:
        assert Image.open(io.BytesIO(data)).size == (1600, 2560)
    else:
        assert data == (REPO / 'tests/books/epub-features/images/cover.png').read_bytes()


# ---- structure and navigation ----

def test_reading_order_front_matter_and_landmarks(features_build: Path) -> None:
    epub = Epub(features_build / f'{FEATURES}.epub')
    manifest = epub.manifest()
    spine = [(manifest[ref.get('idref')].get('href'), ref.get('linear'))
             for ref in epub.opf.iterfind('.//opf:spine/opf:itemref', NS)]
    assert [href for href, _ in spine[:6]] == ['cover.xhtml', 'titlepage.xhtml', 'copyright.xhtml',
                                              'chapter-001.xhtml', 'chapter-002.xhtml', 'nav.xhtml']
    assert spine[-1] == ('font-licence.xhtml', 'no')
    dedication, epigraph, winter = (epub.item(f'chapter-00{n}.xhtml') for n in (1, 2, 3))
    assert dedication.find(f'{X}body').get(EPUB_TYPE) == 'frontmatter'
    assert dedication.find(f'.//{X}section').get(EPUB_TYPE) == 'dedication'
    assert epigraph.find(f'.//{X}section').get(EPUB_TYPE) == 'epigraph'
    assert winter.find(f'{X}body').get(EPUB_TYPE) == 'bodymatter'
    # Front and back matter are not numbered chapters: Winter is chapter 1.
    assert winter.find(f'.//{X}section').get('data-number') == '1'
    assert dedication.find(f'.//{X}section').get('data-number') is None
    appendix = epub.item('chapter-005.xhtml')
    assert appendix.find(f'{X}body').get(EPUB_TYPE) == 'backmatter'
    assert appendix.find(f'.//{X}section').get(EPUB_TYPE) == 'appendix'
    nav = epub.item('nav.xhtml')
    landmarks = {a.get(EPUB_TYPE): a.get('href')
                 for a in nav.iterfind('.//x:nav[@epub:type="landmarks"]//x:a', NS)}
    assert landmarks == {'cover': 'cover.xhtml', 'titlepage': 'titlepage.xhtml', 'toc': 'nav.xhtml#toc',
                         'bodymatter': 'chapter-003.xhtml#winter'}
    guide = [r.get('type') for r in epub.opf.iterfind('.//opf:guide/opf:reference', NS)]
    assert guide == ['cover', 'title-page', 'copyright-page', 'toc', 'text']


def test_toc_is_nested_to_level_two_in_nav_and_ncx(features_build: Path) -> None:
    epub = Epub(features_build / f'{FEATURES}.epub')
    toc = epub.item('nav.xhtml').find('.//x:nav[@epub:type="toc"]', NS)

    def tree(ol):
        return [(li.findtext('x:a', namespaces=NS), tree(li.find('x:ol', NS)) if li.find('x:ol', NS)
                 is not None else []) for li in ol.iterfind('x:li', NS)]
    expected = [('Winter', [('Weather', []), ('Repairs', [])]), ('Spring', [('Birds', [])]),
                ('About the Log', [])]
    assert tree(toc.find('x:ol', NS)) == expected
    ncx = epub.item('toc.ncx')

    def ncx_tree(parent):
        return [(point.findtext('ncx:navLabel/ncx:text', namespaces=NS), ncx_tree(point))
                for point in parent.iterfind('ncx:navPoint', NS)]
    assert ncx_tree(ncx.find('ncx:navMap', NS)) == expected
    assert ncx.find('.//ncx:meta[@name="dtb:uid"]', NS).get('content') == 'urn:isbn:9780306406157'


def test_title_and_copyright_pages(features_build: Path) -> None:
    epub = Epub(features_build / f'{FEATURES}.epub')
    title = epub.item('titlepage.xhtml').find('.//x:section[@epub:type="titlepage"]', NS)
    assert title.findtext('x:h1', namespaces=NS) == 'The Lighthouse Keeper’s Logbook'
    # Translator and illustrator on the title page with their role, not as authors (issue 15).
    credits = [p.text for p in title.iterfind('x:p[@class="contributor"]', NS)]
    assert credits == ['Translated by Jonas Berg', 'Illustrated by Ada Lindqvist']
    copyright_page = epub.item('copyright.xhtml').find('.//x:section[@epub:type="copyright-page"]', NS)
    lines = [' '.join(''.join(p.itertext()).split()) for p in copyright_page.iterfind('x:p', NS)]
    # As trade books print it: the year first published, the ISBN hyphenated, no ISO date.
    for expected in ('First published in 2026 by Harbour Light Press', 'Coastal Journals, book 2',
                     '© 2026 Mary Ellen Carter. Translation © 2026 Jonas Berg.', 'ISBN 978-0-306-40615-7'):
        assert expected in lines
    assert not any('2026-03-01' in line or 'urn:uuid' in line for line in lines)


# ---- footnotes ----

def test_footnotes_pop_up_with_backlink_first_numbered_through_the_book(features_build: Path) -> None:
    epub = Epub(features_build / f'{FEATURES}.epub')
    numbers = []
    for href in ('chapter-003.xhtml', 'chapter-004.xhtml'):
        document = epub.item(href)
        refs = document.findall('.//x:a[@epub:type="noteref"]', NS)
        for ref in refs:
            assert ref.get('role') == 'doc-noteref'
            assert ref.getparent().tag != f'{X}sup'  # Apple Books: no <sup> around the link
            aside = document.find(f'.//x:aside[@id="{ref.get("href")[1:]}"]', NS)
            assert aside.get(EPUB_TYPE) == 'footnote'
            assert aside.get('role') == 'doc-footnote'
            first_link = next(aside.iter(f'{X}a'))
            assert first_link.get('href') == f'#{ref.get("id")}'  # backlink first (pandoc PR #8676)
            assert first_link.text == f'{ref.text}.'
            paragraph = first_link.getparent()
            assert paragraph.text is None
            assert paragraph.index(first_link) == 0
            numbers.append(ref.text)
    assert numbers == ['1', '2', '3', '4']  # footnote-numbering: book


# ---- print page numbers ----

@pytest.mark.parametrize(('build', 'slug'), [('features_build', FEATURES), ('essay_build', ESSAY)])
def test_page_list_matches_the_pdf_folios_at_every_chapter_start(
        request: pytest.FixtureRequest, build: str, slug: str) -> None:
    out = request.getfixturevalue(build)
    epub = Epub(out / f'{slug}.epub')
    nav = epub.item('nav.xhtml')
    page_list = nav.find('.//x:nav[@epub:type="page-list"]', NS)
    assert page_list.get('role') == 'doc-pagelist'
    listed = [(a.text, a.get('href')) for a in page_list.iterfind('.//x:a', NS)]
    assert len(listed) >= 5
    # Dedication and epigraph pages sit in the roman-numbered front matter, before the body.
    roman = [label for label, _ in listed if re.fullmatch(r'[ivxlcdm]+', label)]
    assert [label for label, _ in listed[:len(roman)]] == roman
    labels = [int(label) for label, _ in listed[len(roman):]]
    assert labels == sorted(labels)
    for label, href in listed:  # every entry points at a marker with that number
        file_name, fragment = href.split('#')
        marker = epub.item(file_name).find(f'.//x:span[@id="{fragment}"]', NS)
        assert marker.get(EPUB_TYPE) == 'pagebreak'
        assert marker.get('role') == 'doc-pagebreak'
        assert marker.get('aria-label') == label
    ncx = epub.item('toc.ncx')  # the same list for EPUB 2 readers
    assert [(t.findtext('ncx:navLabel/ncx:text', namespaces=NS), t.find('ncx:content', NS).get('src'))
            for t in ncx.iterfind('ncx:pageList/ncx:pageTarget', NS)] == listed
    pages = pdf_pages_text(out / f'{slug}.pdf')
    toc_page = next(i for i, text in enumerate(pages) if 'Contents' in text)
    printed = {i: int(folio(text)) for i, text in enumerate(pages)
               if i > toc_page and (folio(text) or '').isdigit()}
    chapters = nav.iterfind('.//x:nav[@epub:type="toc"]/x:ol/x:li/x:a', NS)
    checked = 0
    for link in chapters:
        file_name = link.get('href').split('#')[0]
        section = epub.item(file_name).find(f'.//{X}section')
        marker = section[0]
        assert marker.get(EPUB_TYPE) == 'pagebreak', f'{file_name} does not start with a page marker'
        words = ' '.join(link.text.split()[:3])
        opener = next(i for i, text in enumerate(pages) if i > toc_page and words in ' '.join(text.split()))
        nearest = min(printed, key=lambda i: abs(i - opener))
        assert marker.get('aria-label') == str(printed[nearest] + (opener - nearest)), link.text
        checked += 1
    assert checked >= 3
    assert epub.opf.findtext('.//dc:source', namespaces=NS) == meta_values(epub, 'pageBreakSource')[0]


def test_no_page_list_without_the_pdf(tmp_path: Path) -> None:
    out = tmp_path / 'epub-only'
    assert main([str(REPO / 'tests/books/epub-features'), '-o', str(out), '-q', '-f', 'epub']) == 0
    epub = Epub(out / f'{FEATURES}.epub')
    assert epub.item('nav.xhtml').find('.//x:nav[@epub:type="page-list"]', NS) is None
    assert 'printPageNumbers' not in meta_values(epub, 'schema:accessibilityFeature')
    assert meta_values(epub, 'pageBreakSource') == []
    assert not any(s.get(EPUB_TYPE) == 'pagebreak' for d in epub_documents(epub).values()
                   for s in d.iter(f'{X}span'))


# ---- metadata ----

def test_package_metadata(features_build: Path) -> None:
    epub = Epub(features_build / f'{FEATURES}.epub')
    opf = epub.opf
    assert opf.findtext('.//dc:identifier', namespaces=NS) == 'urn:isbn:9780306406157'
    assert opf.findtext('.//dc:language', namespaces=NS) == 'en-GB'
    assert opf.findtext('.//dc:publisher', namespaces=NS) == 'Harbour Light Press'
    assert [s.text for s in opf.iterfind('.//dc:subject', NS)] == ['Lighthouses', 'Nature writing']
    assert opf.findtext('.//dc:description', namespaces=NS).startswith('A year of entries')

    def refinement(target: str, prop: str) -> str | None:
        return opf.findtext(f'.//opf:meta[@refines="#{target}"][@property="{prop}"]', namespaces=NS)
    people = [(c.text, refinement(c.get('id'), 'role'), refinement(c.get('id'), 'file-as'))
              for c in opf.iterfind('.//dc:creator', NS)]
    people += [(c.text, refinement(c.get('id'), 'role'), refinement(c.get('id'), 'file-as'))
               for c in opf.iterfind('.//dc:contributor', NS)]
    assert people == [('Mary Ellen Carter', 'aut', 'Carter, Mary Ellen'),
                      ('Jonas Berg', 'trl', 'Berg, Jonas'), ('Ada Lindqvist', 'ill', None)]
    series = opf.find('.//opf:meta[@property="belongs-to-collection"]', NS)
    assert series.text == 'Coastal Journals'
    assert refinement(series.get('id'), 'collection-type') == 'series'
    assert refinement(series.get('id'), 'group-position') == '2'


def test_right_to_left_book(rtl_build: Path) -> None:
    epub = Epub(rtl_build / 'book.epub')
    assert epub.opf.find('.//opf:spine', NS).get('page-progression-direction') == 'rtl'
    assert epub.opf.get('dir') == 'rtl'
    for href, document in epub_documents(epub).items():
        assert document.get('dir') == 'rtl', href
    # make-book's own words are Hebrew (config/labels.py), in the book's language and direction.
    heading = epub.item('nav.xhtml').find('.//x:nav[@epub:type="toc"]/x:h1', NS)
    assert (heading.text, heading.get('lang'), heading.get('dir')) == ('תוכן העניינים', None, None)
    # The font licence stays English, left to right, under a Hebrew heading.
    licence = epub.item('font-licence.xhtml')
    assert licence.find('.//x:h1', NS).text == 'רישיונות הגופנים'
    assert {(pre.get('lang'), pre.get('dir')) for pre in licence.iterfind('.//x:pre', NS)} == {('en', 'ltr')}
    assert [a.text for a in epub.item('nav.xhtml').iterfind('.//x:nav[@epub:type="toc"]/x:ol/x:li/x:a',
                                                            NS)] == ['חורף', 'אביב']


# ---- fonts ----

def test_book_face_is_embedded_with_its_licence_and_fallbacks(essay_build: Path) -> None:
    epub = Epub(essay_build / f'{ESSAY}.epub')
    fonts = [i.get('href') for i in epub.manifest().values() if i.get('media-type') == 'font/ttf']
    assert len(fonts) == 5
    css = epub.read(f'{epub.folder}/styles/book.css').decode()
    for href in fonts:
        assert f"url('../{href}')" in css
    assert re.search(r"font-family: 'Source Serif Pro', [^;]*serif;", css)
    licence = ''.join(epub.item('font-licence.xhtml').itertext())
    assert 'SIL OPEN FONT LICENSE' in licence.upper()
    link = epub.item('copyright.xhtml').find('.//x:a[@href="font-licence.xhtml"]', NS)
    assert link is not None


# ---- reproducible ----

def test_byte_identical_without_source_date_epoch(copy_book, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv('SOURCE_DATE_EPOCH')
    book = copy_book('epub-features')
    newest = 1767225600  # 2026-01-01T00:00:00Z
    for index, path in enumerate(sorted(book.glob('*.md'))):
        os.utime(path, (newest - 3600 * index, newest - 3600 * index))
    outputs = []
    for run in ('one', 'two'):
        assert main([str(book), '-o', str(tmp_path / run), '-q', '-f', 'epub']) == 0
        outputs.append((tmp_path / run / f'{FEATURES}.epub').read_bytes())
    assert outputs[0] == outputs[1]
    epub = Epub(tmp_path / 'one' / f'{FEATURES}.epub')
    assert meta_values(epub, 'dcterms:modified') == ['2026-01-01T00:00:00Z']
    names = epub.zip.namelist()
    assert names[0] == 'mimetype'
    assert epub.zip.getinfo('mimetype').compress_type == 0
    assert {info.date_time for info in epub.zip.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_byte_identical_with_the_pdf_and_source_date_epoch(features_build: Path, tmp_path: Path) -> None:
    again = tmp_path / 'again'
    assert main([str(REPO / 'tests/books/epub-features'), '-o', str(again), '-q', '-f', 'epub,pdf']) == 0
    assert (again / f'{FEATURES}.epub').read_bytes() == (features_build / f'{FEATURES}.epub').read_bytes()
