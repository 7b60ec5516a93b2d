"""Manuscripts as authors already write them, one fixture book per project layout.

Each layout is built once per session, EPUB and PDF (what differs between the
layouts is which files are read, in what order, and how they are grouped, so
the EPUB's nav and the PDF's contents are what is checked); the mdBook, whose
SUMMARY.md nests sub-chapters, and the pandoc-style book, which holds every
syntax, are built in all three formats; the latter's PDF is where parts, math
and cross-references are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from makebook.cli import main
from tests.conftest import ESSAY_EPOCH
from tests.tools import (
    BOOKS,
    NS,
    Epub,
    epubcheck_messages,
    html_blocks,
    pdf_pages_text,
    pdf_words,
    run_epubcheck,
)

LAYOUTS = ('quarto', 'mdbook', 'leanpub', 'jekyll', 'pandoc-folder')
MATHML = '{http://www.w3.org/1998/Math/MathML}math'


def _build(out: Path, book: str, formats: str) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv('SOURCE_DATE_EPOCH', ESSAY_EPOCH)
        assert main([str(BOOKS / book), '-o', str(out), '--format', formats, '-q']) == 0
    return out


@pytest.fixture(scope='session')
def mdbook_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mdBook in all three formats: its nested SUMMARY.md is checked in every TOC."""
    return _build(tmp_path_factory.mktemp('mdbook'), 'mdbook', 'epub,pdf,html')


@pytest.fixture(scope='session')
def layout_epub(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    """layout_epub(name) -> the book's EPUB (its PDF beside it), built once per session."""
    built: dict[str, Epub] = {}

    def get(name: str) -> Epub:
        if name not in built:
            out = request.getfixturevalue('mdbook_build') if name == 'mdbook' else \
                _build(tmp_path_factory.mktemp(name), name, 'epub,pdf')
            built[name] = Epub(next(out.glob('*.epub')))
        return built[name]
    return get


@pytest.fixture(scope='session')
def pandoc_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp('pandoc-folder'), 'pandoc-folder', 'epub,pdf,html')


def _toc(epub: Epub) -> list:
    """The nav's top level: chapter titles, and (part title, [chapter titles]) for parts."""
    nav = epub.item('nav.xhtml').find('.//x:nav[@epub:type="toc"]/x:ol', NS)
    entries = []
    for item in nav.iterfind('x:li', NS):
        span = item.find('x:span', NS)
        if span is not None:
            entries.append((span.text, [a.text for a in item.iterfind('x:ol/x:li/x:a', NS)]))
        else:
            entries.append(item.find('x:a', NS).text)
    return entries


EXPECTED_TOC = {  # from each book's _quarto.yml, SUMMARY.md, Book.txt and file names
    'quarto': ['Preface', ('Getting Started', ['Introduction', 'Setup']), 'Summary'],
    'mdbook': ['Introduction', ('User Guide', ['Installation', 'Reading']), 'Contributors'],
    'leanpub': ['Start Here', 'Listed Second', 'Listed Third'],
    'jekyll': ['The First Post', 'The Second Post', 'The Tenth Post'],
    'pandoc-folder': ['Preface', ('Part One: Syntax', ['Blocks', 'Inline']),
                      ('Part Two: Math and References', ['Math', 'References'])],
}


@pytest.mark.parametrize('name', LAYOUTS[:-1])
def test_each_layout_passes_epubcheck(layout_epub, name: str, tmp_path: Path) -> None:
    epub = layout_epub(name)
    report = run_epubcheck(epub.path, tmp_path)
    assert report['checker']['nFatal'] == 0
    assert epubcheck_messages(report) == [], name


@pytest.mark.parametrize('name', LAYOUTS[:-1])
def test_each_layout_reads_its_files_in_its_order(layout_epub, name: str) -> None:
    assert _toc(layout_epub(name)) == EXPECTED_TOC[name]


@pytest.mark.parametrize('name', LAYOUTS[:-1])
def test_layout_files_give_the_book_metadata(layout_epub, name: str) -> None:
    epub = layout_epub(name)
    title = epub.opf.findtext('.//dc:title', namespaces=NS)
    creators = [c.text for c in epub.opf.iterfind('.//dc:creator', NS)]
    expected = {'quarto': ('A Quarto Book', ['Quinn Author']),
                'mdbook': ('An mdBook', ['Mo Dbook']),
                'leanpub': ('A Leanpub Book', ['Lee Pub']),
                'jekyll': ('A Jekyll-Style Site Book', ['Jay Kyll'])}
    assert (title, creators) == expected[name]


def test_mdbook_includes_are_expanded(layout_epub) -> None:
    epub = layout_epub('mdbook')
    code = [''.join(pre.itertext()) for doc in epub.spine_documents()
            for pre in doc.iter(f'{{{NS["x"]}}}pre')]
    assert code[0].strip() == 'fn main() {\n    println!("Hello");\n}'  # the 'main' anchor only
    assert 'use std::io;' in code[1] and 'ANCHOR' not in code[1]
    assert 'An included paragraph of Markdown.' in epub.text_blocks()


# The Reading chapter's code blocks as mdBook shows them: rustdoc's hidden lines ('# ', '#')
# gone, '##' one '#', attributes kept; Python's '~' lines (book.toml's hidelines); a block's
# own 'hidelines=!!!'; a console's '# ' comment shown.
SHOWN_CODE = ['#[derive(Debug)]\nstruct Shown;\n    # a line that keeps one hash\nfn main() {\n}',
              'print("shown")', 'a shown line', '# apt install rustc']


def test_mdbook_code_hides_the_lines_mdbook_hides_in_every_edition(mdbook_build: Path) -> None:
    epub = Epub(next(mdbook_build.glob('*.epub')))
    reading = next(d for d in epub.chapter_documents() if d.findtext('.//x:h1', namespaces=NS) == 'Reading')
    assert [''.join(pre.itertext()).strip() for pre in reading.iter(f'{{{NS["x"]}}}pre')] == SHOWN_CODE
    web = next(p for p in (mdbook_build / 'html').glob('*.html')
               if 'a shown line' in p.read_text(encoding='utf-8'))
    shown = [''.join(pre.itertext()).strip() for pre in etree.parse(str(web)).iter(f'{{{NS["x"]}}}pre')]
    assert shown[-len(SHOWN_CODE):] == SHOWN_CODE  # Reading's blocks are the book's last
    text = '\n'.join(pdf_pages_text(next(mdbook_build.glob('*.pdf'))))
    assert 'struct Shown;' in text and '# a line that keeps one hash' in text
    for hidden in ('HashMap', 'allow(unused)', 'let hidden', 'import os', 'a hidden line', '##'):
        assert hidden not in text and hidden not in ''.join(reading.itertext())


# SUMMARY.md's nesting: (title, [entries under it]) with sections and sub-chapters in
# reading order (Installation's '## Requirements' comes before its sub-chapters). SUMMARY.md
# alone makes chapters: the second '# Summary' of 'On macOS' is a section inside it.
MDBOOK_TREE = [
    ('Introduction', []),
    ('User Guide', [
        ('Installation', [('Requirements', []),
                          ('On Linux', [('On Debian', [])]),
                          ('On macOS', [('Summary', [])])]),
        ('Reading', [])]),
    ('Contributors', []),
]


def _tree(ol: etree._Element, ns: dict[str, str], prefix: str) -> list:
    """A nested list of (label, children) from <ol><li><a|span/><ol>...</ol></li></ol>."""
    entries = []
    for item in ol.iterfind(f'{prefix}li', ns):
        label = item.find(f'{prefix}a', ns)
        label = item.find(f'{prefix}span', ns) if label is None else label
        nested = item.find(f'{prefix}ol', ns)
        entries.append((''.join(label.itertext()).strip(),
                        _tree(nested, ns, prefix) if nested is not None else []))
    return entries


def test_mdbook_nesting_in_the_epub_nav_and_ncx(layout_epub) -> None:
    epub = layout_epub('mdbook')
    nav = epub.item('nav.xhtml').find('.//x:nav[@epub:type="toc"]/x:ol', NS)
    assert _tree(nav, NS, 'x:') == MDBOOK_TREE
    ncx_ns = {'n': 'http://www.daisy.org/z3986/2005/ncx/'}
    ncx = epub.xml(next(name for name in epub.zip.namelist() if name.endswith('.ncx')))

    def points(parent: etree._Element) -> list:
        return [(p.findtext('n:navLabel/n:text', namespaces=ncx_ns), points(p))
                for p in parent.iterfind('n:navPoint', ncx_ns)]
    assert points(ncx.find('n:navMap', ncx_ns)) == MDBOOK_TREE
    play_order = [int(p.get('playOrder')) for p in ncx.iter(f'{{{ncx_ns["n"]}}}navPoint')
                  if p.get('playOrder')]
    assert play_order == sorted(play_order)  # reading order, depth first
    depth = ncx.find('n:head/n:meta[@name="dtb:depth"]', ncx_ns).get('content')
    assert depth == '4'  # part > chapter > sub-chapter > sub-sub-chapter
    # Each sub-chapter keeps its own document, and has no chapter number of its own.
    debian = next(d for d in epub.chapter_documents()
                  if d.findtext('.//x:h1', namespaces=NS) == 'On Debian')
    assert 'subchapter' in debian.find('.//x:section', NS).get('class').split()


def test_mdbook_nesting_in_the_web_edition(mdbook_build: Path) -> None:
    tree = etree.parse(str(mdbook_build / 'html' / 'index.html'))
    toc = tree.find('.//x:nav[@id="contents"]/x:ol', NS)
    assert _tree(toc, NS, 'x:') == MDBOOK_TREE
    headings = [h.text for h in tree.iterfind('.//x:main//x:h1', NS)]
    assert headings == ['Introduction', 'User Guide', 'Installation', 'On Linux', 'On Debian',
                        'On macOS', 'Reading', 'Contributors']


def _flat(entries: list) -> list[str]:
    return [t for e in entries for t in ([e] if isinstance(e, str) else [e[0], *_flat(e[1])])]


def _pdf_toc_is_right(pdf: Path, titles: list[str]) -> tuple[list[str], int]:
    """Assert the PDF's contents list ``titles`` in order, each with the page number printed
    on the page its title opens; returns the pages' text and the contents page's index."""
    pages = [' '.join(text.split()) for text in pdf_pages_text(pdf)]
    toc_index = next(i for i, p in enumerate(pages) if p.startswith('Contents'))
    toc = re.findall(r'([A-Z][\w :]+?) ?\.+ ?(\d+)', pages[toc_index].removeprefix('Contents '))
    assert [title for title, _ in toc] == titles

    def opening(page: str) -> str:  # the page's text without its 'CHAPTER N' label
        return re.sub(r'^CHAPTER \d+ ', '', page)
    body_start = next(i for i, p in enumerate(pages) if i > toc_index and opening(p).startswith(titles[0]))
    for title, number in toc:  # arabic folio 1 is the first page after the contents
        assert opening(pages[body_start + int(number) - 1]).startswith(title), (title, number)
    return pages, toc_index


@pytest.mark.parametrize('name', ['quarto', 'leanpub', 'jekyll'])
def test_each_layouts_pdf_contents_are_right(layout_epub, name: str) -> None:
    pdf = layout_epub(name).path.with_suffix('.pdf')
    _pdf_toc_is_right(pdf, _flat(EXPECTED_TOC[name]))


def test_mdbook_nesting_in_the_pdf_contents_and_bookmarks(mdbook_build: Path) -> None:
    pdf = next(mdbook_build.glob('*.pdf'))
    titles = ['Introduction', 'User Guide', 'Installation', 'On Linux', 'On Debian', 'On macOS',
              'Reading', 'Contributors']
    pages, toc_index = _pdf_toc_is_right(pdf, titles)
    # Prefix and suffix chapters and sub-chapters have no number: Reading is chapter 2.
    numbered = [p.split()[2] for p in pages if re.match(r'CHAPTER \d+ ', p)]
    assert numbered == ['Installation', 'Reading']
    # Indentation shows the nesting: each level starts further right.
    lines: dict[int, list[dict]] = {}
    for word in pdf_words(pdf)[toc_index]:
        lines.setdefault(round(word['top']), []).append(word)
    x0 = {}
    for line in lines.values():
        text = ' '.join(w['text'] for w in sorted(line, key=lambda w: w['x0']))
        title = next((t for t in titles if text.startswith(t)), None)
        if title is not None:
            x0[title] = min(w['x0'] for w in line)
    assert x0['Introduction'] == pytest.approx(x0['User Guide'], abs=0.5)
    assert x0['User Guide'] < x0['Installation'] < x0['On Linux'] < x0['On Debian']
    assert x0['On Linux'] == pytest.approx(x0['On macOS'], abs=0.5)
    assert x0['Installation'] == pytest.approx(x0['Reading'], abs=0.5)
    from pypdf import PdfReader

    def outline(items: list) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                tree[-1] = (tree[-1][0], outline(item))
            else:
                tree.append((item.title, []))
        return tree
    bookmarks = dict(outline(PdfReader(str(pdf)).outline))
    assert bookmarks['Installation'] == [('Requirements', []), ('On Linux', [('On Debian', [])]),
                                         ('On macOS', [('Summary', [])])]


def test_jekyll_front_matter_names_and_tags_chapters(layout_epub) -> None:
    epub = layout_epub('jekyll')
    sections = [doc.find('.//x:section', NS) for doc in epub.chapter_documents()]
    assert [s.get('lang') for s in sections] == [None, 'fr', None]
    assert 'layout' not in ' '.join(epub.text_blocks())  # front matter never leaks as text


def test_pandoc_book_epub(pandoc_book: Path, tmp_path: Path) -> None:
    epub = Epub(next(pandoc_book.glob('*.epub')))
    report = run_epubcheck(epub.path, tmp_path)
    assert epubcheck_messages(report) == []
    assert _toc(epub) == EXPECTED_TOC['pandoc-folder']
    items = {i.get('href'): i for i in epub.manifest().values()}
    math_doc = next(d for d in epub.spine_documents() if next(d.iter(MATHML), None) is not None)
    math_href = next(h for h, i in items.items()
                     if h.endswith('.xhtml') and epub.item(h).findtext('.//x:h1', namespaces=NS) == 'Math')
    assert 'mathml' in items[math_href].get('properties', '').split()
    assert [m.get('alttext') for m in math_doc.iter(MATHML)] == [
        'E = mc^2', 'e^{i\\pi} + 1 = 0', '\\int_0^1 x^2\\,dx = \\frac{1}{3}']
    text = '\n'.join(epub.text_blocks())
    assert 'clearpage' not in text and 'LaTeX' not in text  # raw LaTeX is dropped
    assert 'Escapes: $5, | and [brackets]. It costs $5 and $10, not math.' in text
    assert 'See figure 1, A section to point at, the anchor and anchor, and the blocks chapter.' in text
    refs = next(d for d in epub.chapter_documents()
                if d.findtext('.//x:h1', namespaces=NS) == 'References')
    hrefs = {a.text: a.get('href') for a in refs.iter(f'{{{NS["x"]}}}a')}
    # A bare '#id' written for pandoc (one joined document) reaches into the other file.
    assert hrefs['the map'].endswith('.xhtml#fig-map') and hrefs['the spot'].endswith('.xhtml#spot')
    figure = next(f for d in epub.spine_documents() for f in d.iter(f'{{{NS["x"]}}}figure'))
    assert ''.join(figure.find('x:figcaption', NS).itertext()) == 'Figure 1. A map of the town'
    assert figure.find('x:img', NS).get('style') == 'width: 60%'  # not width="60%" (invalid)


def test_pandoc_book_web_edition(pandoc_book: Path) -> None:
    blocks = html_blocks(pandoc_book / 'html' / 'index.html')
    assert 'Small capitals and an anchor here; struck, H2O, 210, Ctrl and a dropped inline.' in blocks
    index = (pandoc_book / 'html' / 'index.html').read_text(encoding='utf-8')
    assert index.count('<math ') == 3
    assert '<script' not in index


def test_pandoc_book_pdf_parts_toc_and_references(pandoc_book: Path) -> None:
    pages = [' '.join(text.split()) for text in pdf_pages_text(next(pandoc_book.glob('*.pdf')))]
    toc_page = next(p for p in pages if p.startswith('Contents'))
    # (pdftotext puts a space before a leader's dots, or not, by where they stand)
    toc = dict(re.findall(r'([A-Z][\w :]+?) ?\.+ ?(\d+)', toc_page.removeprefix('Contents ')))
    assert list(toc) == ['Preface', 'Part One: Syntax', 'Blocks', 'Inline',
                         'Part Two: Math and References', 'Math', 'References']
    body_start = next(i for i, p in enumerate(pages) if p.startswith('Preface'))

    def folio(start: str) -> int:  # arabic page number of the page that starts with ``start``
        return next(i for i, p in enumerate(pages) if p.startswith(start)) - body_start + 1

    assert {k: int(v) for k, v in toc.items()} == {
        'Preface': folio('Preface'), 'Part One: Syntax': folio('Part One: Syntax'),
        'Blocks': folio('CHAPTER 1 Blocks'), 'Inline': folio('CHAPTER 2 Inline'),
        'Part Two: Math and References': folio('Part Two'),
        'Math': folio('CHAPTER 3 Math'), 'References': folio('CHAPTER 4 References')}
    assert pages[folio('Part One: Syntax') + body_start - 1] == 'Part One: Syntax'  # a page of its own
    refs = pages[folio('CHAPTER 4') + body_start - 1]
    inline_page = folio('CHAPTER 2 Inline')
    assert (f'See figure 1, A section to point at, page {inline_page}, the anchor and '
            f'page {inline_page}') in refs
    math = pages[folio('CHAPTER 3') + body_start - 1]
    assert 'mc^2' not in math and 'Einstein wrote' in math  # formulas are drawn, not typed
