"""write_epub on a small rendered book: the archive, the package document, the navigation and the
chapters, with and without the print edition's page breaks (no command line, no EPUBCheck)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from lxml import etree

from makebook.epub import accessibility, write_epub
from makebook.model import PrintedBook, PrintPages, RenderedBook
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.conftest import ESSAY_EPOCH
from tests.tools import NESTED_BOOK, NESTED_IDENTIFIER, NS, without_print_pages, zip_entries

X = '{http://www.w3.org/1999/xhtml}'
EPUB_TYPE = '{http://www.idpf.org/2007/ops}type'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'
@pytest.fixture(scope='module')
def book(nested_book: RenderedBook) -> RenderedBook:
    return nested_book


@pytest.fixture(scope='module')
def epub(book: RenderedBook) -> bytes:
    return write_epub(book)


# Where the print edition says its pages begin: roman in the front matter, a page that
# begins inside a chapter (at a paragraph, at a section heading), one break to an id of no
# chapter (the title page), which has no place in the EPUB.
PAGES = PrintPages(breaks=(('i', 'titlepage'), ('ii', 'for-ann'), ('1', 'introduction'),
                           ('2', 'pg-introduction-4'), ('3', 'alpha'), ('4', 'detail'), ('5', 'beta')),
                   source='urn:isbn:9780306406157')


@pytest.fixture(scope='module')
def paged(book: RenderedBook) -> bytes:
    return write_epub(book, PrintedBook(b'%PDF-1.7 not read by the EPUB writer', PAGES))


def xml(entries: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(entries[f'EPUB/{name}'])


def meta(opf: etree._Element, prop: str) -> list[str]:
    return [m.text for m in opf.iterfind(f'.//opf:meta[@property="{prop}"]', NS)]


def refinement(opf: etree._Element, target: str, prop: str) -> str | None:
    return opf.findtext(f'.//opf:meta[@refines="#{target}"][@property="{prop}"]', namespaces=NS)


# ---- the archive

def test_mimetype_comes_first_stored_and_every_entry_carries_the_build_time(epub: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(epub))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ('mimetype', zipfile.ZIP_STORED)
    assert archive.read('mimetype') == b'application/epub+zip'
    assert epub[30:38] == b'mimetype'  # the first local header's name, as readers sniff it
    assert archive.namelist()[1] == 'META-INF/container.xml'
    assert archive.namelist()[2:] == sorted(archive.namelist()[2:])
    stamp = dt.datetime.fromtimestamp(int(ESSAY_EPOCH), dt.UTC).timetuple()[:6]
    assert {info.date_time for info in archive.infolist()} == {stamp}
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist()[1:])
    assert archive.testzip() is None


def test_two_calls_give_identical_bytes(book: RenderedBook, epub: bytes) -> None:
    assert write_epub(book) == epub
    assert write_epub(book, PrintedBook(b'', PAGES)) == write_epub(book, PrintedBook(b'', PAGES))


def test_the_book_and_its_image_fonts_and_cover_are_all_in_the_manifest(epub: bytes) -> None:
    entries = zip_entries(epub)
    opf = xml(entries, 'content.opf')
    hrefs = {item.get('href'): item for item in opf.iterfind('.//opf:manifest/opf:item', NS)}
    assert set(hrefs) == {name.removeprefix('EPUB/') for name in entries
                          if name.startswith('EPUB/') and name != 'EPUB/content.opf'}
    assert entries['EPUB/red.png'] == NESTED_BOOK['red.png']
    assert hrefs['red.png'].get('media-type') == 'image/png'
    assert hrefs['images/cover.jpg'].get('properties') == 'cover-image'
    assert hrefs['nav.xhtml'].get('properties') == 'nav'
    assert [h for h, item in hrefs.items() if item.get('media-type') == 'font/ttf'] == [
        f'fonts/SourceSerifPro-{style}.ttf' for style in ('Regular', 'It', 'Semibold', 'Bold', 'BoldIt')]


# ---- the package document

def test_identifier_language_and_creators_with_roles(epub: bytes) -> None:
    opf = xml(zip_entries(epub), 'content.opf')
    identifier = opf.find('.//dc:identifier', NS)
    assert identifier.text == NESTED_IDENTIFIER
    assert opf.get('unique-identifier') == identifier.get('id')
    assert opf.findtext('.//dc:language', namespaces=NS) == 'en-GB'
    assert opf.get(XML_LANG) == 'en-GB'
    assert opf.findtext('.//dc:title', namespaces=NS) == 'The Test Book'
    assert meta(opf, 'dcterms:modified') == ['2025-11-28T00:00:00Z']
    people = [(c.tag.split('}')[1], c.text, refinement(opf, c.get('id'), 'role'),
               refinement(opf, c.get('id'), 'file-as'), refinement(opf, c.get('id'), 'display-seq'))
              for c in opf.iterfind('.//opf:metadata/*', NS) if c.tag.endswith(('creator', 'contributor'))]
    assert people == [('creator', 'Ann Author', 'aut', 'Author, Ann', '1'),
                      ('contributor', 'Ted Trans', 'trl', None, '2')]
    assert opf.find('.//opf:meta[@refines="#creator-1"][@property="role"]', NS).get('scheme') == \
        'marc:relators'


def test_accessibility_metadata_is_the_one_worked_out_from_the_book(book: RenderedBook, epub: bytes) -> None:
    opf = xml(zip_entries(epub), 'content.opf')
    written = [(m.get('property'), m.text) for m in opf.iterfind('.//opf:meta', NS)
               if (m.get('property') or '').startswith(('schema:', 'dcterms:conformsTo'))]
    assert written == accessibility.package_metadata(accessibility.facts(book))
    assert 'alternativeText' in meta(opf, 'schema:accessibilityFeature')  # the red square has alt text
    assert meta(opf, 'dcterms:conformsTo') == [accessibility.CONFORMANCE]
    assert 'Footnotes are linked both ways' in meta(opf, 'schema:accessibilitySummary')[0]
    summary = opf.find('.//opf:meta[@property="schema:accessibilitySummary"]', NS)
    assert summary.get(XML_LANG) is None  # an English book: no language of its own


def test_the_summary_of_a_book_in_a_language_without_a_translation_is_marked_english(write_book) -> None:
    book = render_book(read_manuscript(write_book({'01.md': '---\ntitle: T\nlang: sv\n---\n# En\n\nText.'})))
    opf = etree.fromstring(zip_entries(write_epub(book))['EPUB/content.opf'])
    assert opf.get(XML_LANG) == 'sv'
    summary = opf.find('.//opf:meta[@property="schema:accessibilitySummary"]', NS)
    assert summary.get(XML_LANG) == 'en'
    assert summary.text.startswith('This publication has a table of contents')


def test_the_summary_of_a_french_book_is_the_w3c_guide_s_french(write_book) -> None:
    """The display guide's French statements (EDRLab), in the package's own language."""
    book = render_book(read_manuscript(write_book({'01.md': '---\ntitle: T\nlang: fr\n---\n# Un\n\nTexte.'})))
    opf = etree.fromstring(zip_entries(write_epub(book))['EPUB/content.opf'])
    summary = opf.find('.//opf:meta[@property="schema:accessibilitySummary"]', NS)
    assert summary.get(XML_LANG) is None  # the package's xml:lang, fr, is the summary's
    assert summary.text.startswith('Table des matières. Contient des titres pour une navigation structurée. '
                                   "L'apparence du texte et la mise en page peuvent être modifiées")
    assert summary.text.endswith("La publication indique qu'elle respecte les règles d'accessibilité EPUB "
                                 'et WCAG 2 niveau AA.')


def test_reading_order_puts_the_dedication_before_the_contents(epub: bytes) -> None:
    opf = xml(zip_entries(epub), 'content.opf')
    items = {item.get('id'): item.get('href') for item in opf.iterfind('.//opf:manifest/opf:item', NS)}
    spine = [(items[ref.get('idref')], ref.get('linear'))
             for ref in opf.iterfind('.//opf:spine/opf:itemref', NS)]
    assert spine == [('cover.xhtml', None), ('titlepage.xhtml', None), ('copyright.xhtml', None),
                     ('chapter-001.xhtml', None), ('nav.xhtml', None), ('chapter-002.xhtml', None),
                     ('chapter-003.xhtml', None), ('chapter-004.xhtml', None), ('chapter-005.xhtml', None),
                     ('font-licence.xhtml', 'no')]
    guide = {r.get('type'): r.get('href') for r in opf.iterfind('.//opf:guide/opf:reference', NS)}
    assert guide['text'] == 'chapter-002.xhtml'  # the first body-matter chapter, not the dedication


# ---- navigation

def toc_tree(ol: etree._Element) -> list:
    """(label, href or None for a part, children) for each entry of a nav <ol>."""
    entries = []
    for li in ol.iterfind('x:li', NS):
        label = li.find('x:a', NS) if li.find('x:a', NS) is not None else li.find('x:span', NS)
        nested = li.find('x:ol', NS)
        entries.append((label.text, label.get('href'), toc_tree(nested) if nested is not None else []))
    return entries


def test_the_contents_nest_sections_sub_chapters_and_parts(epub: bytes) -> None:
    nav = xml(zip_entries(epub), 'nav.xhtml')
    toc = nav.find('.//x:nav[@epub:type="toc"]', NS)
    assert toc.get('role') == 'doc-toc'
    assert toc_tree(toc.find('x:ol', NS)) == [
        ('Introduction', 'chapter-002.xhtml#introduction', [('Scope', 'chapter-002.xhtml#scope', [])]),
        ('Part One', None, [  # a part has no page of its own: a <span> heading
            ('Alpha', 'chapter-003.xhtml#alpha', [
                ('Alpha One', 'chapter-004.xhtml#alpha-one', [('Detail', 'chapter-004.xhtml#detail', [])])]),
            ('Beta', 'chapter-005.xhtml#beta', [])]),
    ]  # the dedication comes before the contents and stays out of them


def test_landmarks_name_the_cover_title_page_contents_and_first_chapter(epub: bytes) -> None:
    nav = xml(zip_entries(epub), 'nav.xhtml')
    landmarks = nav.find('.//x:nav[@epub:type="landmarks"]', NS)
    assert landmarks.get('hidden') == 'hidden'
    assert [(a.get(EPUB_TYPE), a.get('href')) for a in landmarks.iterfind('.//x:a', NS)] == [
        ('cover', 'cover.xhtml'), ('titlepage', 'titlepage.xhtml'), ('toc', 'nav.xhtml#toc'),
        ('bodymatter', 'chapter-002.xhtml#introduction')]
    assert nav.find('.//x:nav[@epub:type="page-list"]', NS) is None


def ncx_tree(parent: etree._Element) -> list:
    return [(point.findtext('ncx:navLabel/ncx:text', namespaces=NS), point.find('ncx:content', NS).get('src'),
             ncx_tree(point)) for point in parent.iterfind('ncx:navPoint', NS)]


def test_the_ncx_has_the_same_tree_and_its_real_depth(epub: bytes) -> None:
    ncx = xml(zip_entries(epub), 'toc.ncx')
    head = {m.get('name'): m.get('content') for m in ncx.iterfind('ncx:head/ncx:meta', NS)}
    assert head['dtb:uid'] == NESTED_IDENTIFIER
    assert head['dtb:depth'] == '4'  # Part One > Alpha > Alpha One > Detail
    assert (head['dtb:totalPageCount'], head['dtb:maxPageNumber']) == ('0', '0')
    assert ncx.find('ncx:pageList', NS) is None
    assert ncx_tree(ncx.find('ncx:navMap', NS)) == [
        ('Introduction', 'chapter-002.xhtml#introduction', [('Scope', 'chapter-002.xhtml#scope', [])]),
        ('Part One', 'chapter-003.xhtml#alpha', [  # an NCX entry needs a target: the part's first chapter
            ('Alpha', 'chapter-003.xhtml#alpha', [
                ('Alpha One', 'chapter-004.xhtml#alpha-one', [('Detail', 'chapter-004.xhtml#detail', [])])]),
            ('Beta', 'chapter-005.xhtml#beta', [])]),
    ]


def test_a_flat_book_has_an_ncx_of_depth_one(write_book) -> None:
    text = '---\ntitle: T\n---\n# One\n\nA.\n\n# Two\n\nB.'
    book = render_book(read_manuscript(write_book({'01.md': text})))
    ncx = etree.fromstring(zip_entries(write_epub(book))['EPUB/toc.ncx'])
    assert ncx.find('ncx:head/ncx:meta[@name="dtb:depth"]', NS).get('content') == '1'


# ---- chapters

def test_links_between_chapters_point_into_the_file_that_holds_the_target(epub: bytes) -> None:
    entries = zip_entries(epub)
    assert [a.get('href') for a in xml(entries, 'chapter-002.xhtml').iterfind('.//x:p/x:a', NS)] == [
        'chapter-004.xhtml#detail']
    assert [a.get('href') for a in xml(entries, 'chapter-004.xhtml').iterfind('.//x:p/x:a', NS)] == [
        'chapter-002.xhtml#introduction']
    alpha = xml(entries, 'chapter-003.xhtml')
    assert [a.get('href') for a in alpha.iterfind('.//x:a', NS)] == ['#fn-n', '#fnref-n']  # notes stay here
    checked = 0
    for name in entries:  # every link of every document reaches an element that exists
        if not name.endswith('.xhtml'):
            continue
        for link in xml(entries, name.removeprefix('EPUB/')).iter(f'{X}a'):
            file_name, _, fragment = link.get('href').partition('#')
            target = xml(entries, file_name or name.removeprefix('EPUB/'))
            found = target.find(f'.//*[@id="{fragment}"]') if fragment else target
            assert found is not None, (name, link.get('href'))
            checked += 1
    assert checked == 15  # contents 6, landmarks 4, chapters 2, notes 2, copyright page 1


def test_each_chapter_is_a_document_in_the_book_language_with_its_structural_type(epub: bytes) -> None:
    entries = zip_entries(epub)
    kinds = []
    for number in range(1, 6):
        document = xml(entries, f'chapter-00{number}.xhtml')
        assert (document.get('lang'), document.get(XML_LANG)) == ('en-GB', 'en-GB')
        assert document.find(f'{X}head/{X}link').get('href') == 'styles/book.css'
        kinds.append((document.find(f'{X}body').get(EPUB_TYPE),
                      document.find(f'.//{X}section').get(EPUB_TYPE)))
    assert kinds == [('frontmatter', 'dedication')] + [('bodymatter', 'chapter')] * 4


# ---- with the print edition's pages

def test_print_pages_add_markers_before_the_blocks_that_begin_a_page(paged: bytes) -> None:
    entries = zip_entries(paged)
    markers = {}
    for number in range(1, 6):
        for span in xml(entries, f'chapter-00{number}.xhtml').iter(f'{X}span'):
            if span.get(EPUB_TYPE) == 'pagebreak':
                assert span.get('role') == 'doc-pagebreak'
                assert span.get('id') == f'page-{span.get("aria-label")}'
                assert span.text is None and span.tail is None
                markers[span.get('aria-label')] = (number, span.getnext().get('id'))
    assert markers == {'ii': (1, 'for-ann'), '1': (2, 'introduction'), '2': (2, 'pg-introduction-4'),
                       '3': (3, 'alpha'), '4': (4, 'detail'), '5': (5, 'beta')}


def test_print_pages_add_a_page_list_to_the_nav_and_the_ncx(paged: bytes) -> None:
    entries = zip_entries(paged)
    page_list = xml(entries, 'nav.xhtml').find('.//x:nav[@epub:type="page-list"]', NS)
    assert (page_list.get('role'), page_list.get('hidden')) == ('doc-pagelist', 'hidden')
    listed = [(a.text, a.get('href')) for a in page_list.iterfind('.//x:a', NS)]
    assert listed == [('ii', 'chapter-001.xhtml#page-ii'), ('1', 'chapter-002.xhtml#page-1'),
                      ('2', 'chapter-002.xhtml#page-2'), ('3', 'chapter-003.xhtml#page-3'),
                      ('4', 'chapter-004.xhtml#page-4'), ('5', 'chapter-005.xhtml#page-5')]  # no title page
    ncx = xml(entries, 'toc.ncx')
    targets = [(t.get('type'), t.get('value'), t.findtext('ncx:navLabel/ncx:text', namespaces=NS),
                t.find('ncx:content', NS).get('src'))
               for t in ncx.iterfind('ncx:pageList/ncx:pageTarget', NS)]
    assert targets == [('front', None, 'ii', 'chapter-001.xhtml#page-ii')] + [
        ('normal', str(n), str(n), href) for (n, (_, href)) in zip(range(1, 6), listed[1:], strict=True)]
    head = {m.get('name'): m.get('content') for m in ncx.iterfind('ncx:head/ncx:meta', NS)}
    assert (head['dtb:totalPageCount'], head['dtb:maxPageNumber']) == ('6', '5')
    opf = xml(entries, 'content.opf')
    assert opf.findtext('.//dc:source', namespaces=NS) == PAGES.source
    assert meta(opf, 'pageBreakSource') == [PAGES.source]
    assert {'printPageNumbers', 'pageNavigation'} <= set(meta(opf, 'schema:accessibilityFeature'))


def test_print_pages_change_nothing_else(epub: bytes, paged: bytes) -> None:
    alone, with_pages = zip_entries(epub), zip_entries(paged)
    assert list(with_pages) == list(alone)
    changed = set()
    for name, data in with_pages.items():
        stripped, removed = without_print_pages(name, data)
        if removed:
            changed.add(name)
        assert stripped == without_print_pages(name, alone[name])[0], name
    assert changed == {'EPUB/content.opf', 'EPUB/nav.xhtml', 'EPUB/toc.ncx'} | {
        f'EPUB/chapter-00{n}.xhtml' for n in range(1, 6)}
    # Made alone, the EPUB has none of it: only the NCX's page counts, at zero.
    assert {name: without_print_pages(name, data)[1] for name, data in alone.items()
            if without_print_pages(name, data)[1]} == {
        'EPUB/toc.ncx': [b'\n    <meta content="0" name="dtb:totalPageCount"/>',
                         b'\n    <meta content="0" name="dtb:maxPageNumber"/>']}


def test_a_print_edition_without_page_breaks_changes_nothing(book: RenderedBook, epub: bytes) -> None:
    assert write_epub(book, PrintedBook(b'%PDF', PrintPages((), 'urn:x'))) == epub

