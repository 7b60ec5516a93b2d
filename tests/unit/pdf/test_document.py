"""The print edition's one HTML document (pdf/document.py): page order, contents, chapter openers,
the settings that change it. No layout: WeasyPrint is not called."""

from __future__ import annotations

from lxml import html

from makebook.model import RenderedBook
from makebook.pdf.document import print_html
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import REPO


def parsed(book: RenderedBook, **options) -> html.HtmlElement:
    return html.document_fromstring(print_html(book, **options))


def render(write_book, files: dict[str, str]) -> RenderedBook:
    book = render_book(read_manuscript(write_book(files)))
    assert [d for d in book.diagnostics if d.severity.value == 'error'] == []
    return book


def test_pages_come_in_book_order_with_a_part_page_before_its_first_chapter(nested_book) -> None:
    body = parsed(nested_book).find('body')
    assert [(s.tag, s.get('class'), s.get('id')) for s in body] == [
        ('section', 'halftitle', 'halftitle'), ('section', 'titlepage', 'titlepage'),
        ('section', 'copyright', 'copyright'),
        ('section', 'dedication', None),  # before the contents, not a chapter opener
        ('nav', 'toc', 'contents'),
        ('section', 'chapter body-start', None),  # the arabic folios start here (print.css)
        ('section', 'part', 'part-part-one'),
        ('section', 'chapter', None), ('section', 'chapter unnumbered subchapter no-label', None),
        ('section', 'chapter', None)]
    assert body[6].findtext('h1') == 'Part One'
    assert [s.find('.//h1').get('id') for s in body[7:]] == ['alpha', 'alpha-one', 'beta']


def test_the_contents_nest_chapters_under_parts_and_sub_chapters_under_chapters(nested_book) -> None:
    def tree(ol) -> list:
        return [(li.get('class'), li.find('a').text, li.find('a').get('href'),
                 tree(li.find('ol')) if li.find('ol') is not None else []) for li in ol.findall('li')]
    nav = parsed(nested_book).get_element_by_id('contents')
    assert nav.findtext('h1') == 'Contents'
    assert tree(nav.find('ol')) == [
        ('toc-chapter', 'Introduction', '#introduction', []),  # chapters only: no sections in print
        ('toc-part', 'Part One', '#part-part-one', [
            ('toc-chapter', 'Alpha', '#alpha', [('toc-chapter', 'Alpha One', '#alpha-one', [])]),
            ('toc-chapter', 'Beta', '#beta', [])])]
    assert nav.xpath('.//ol[@class="toc-subchapters"]/li/a/text()') == ['Alpha One']


def test_chapter_openers_carry_their_label_title_bookmark_and_running_head(nested_book) -> None:
    document = parsed(nested_book)
    labels = [(s.find('h1').get('id'), s.findtext('p[@class="chapter-number"]'))
              for s in document.xpath('//section[contains(@class, "chapter")]')]
    assert labels == [('introduction', 'Chapter 1'), ('alpha', 'Chapter 2'), ('alpha-one', None),
                      ('beta', 'Chapter 3')]
    heading = document.get_element_by_id('introduction')
    assert (heading.get('data-title'), heading.get('data-label'), heading.get('data-running')) == (
        'Introduction', 'Introduction', 'Introduction')
    # Links stay on the one page: the print document has no chapter files.
    assert document.get_element_by_id('pg-introduction-2').find('a').get('href') == '#detail'


def test_a_book_that_opens_with_a_part_starts_its_folios_at_the_part_page(write_book) -> None:
    book = render(write_book, {
        'metadata.yaml': 'title: T\nchapters:\n  - part: The First Part\n    chapters: [a.md, b.md]\n',
        'a.md': '# A\n\nText.\n', 'b.md': '# B\n\nText.\n'})
    body = parsed(book).find('body')
    assert [s.get('class') for s in body][-4:] == ['toc', 'part body-start', 'chapter', 'chapter']


def test_metadata_settings_drop_the_half_title_labels_and_small_caps(write_book) -> None:
    book = render(write_book, {'01.md': '---\ntitle: T\nhalf-title: false\nchapter-label: false\n'
                                        'first-line-small-caps: false\n---\n# One\n\nA.\n\n# Two\n\nB.\n'})
    document = parsed(book)
    assert [s.get('class') for s in document.find('body')] == [
        'titlepage', 'copyright', 'toc', 'chapter no-label no-small-caps body-start',
        'chapter no-label no-small-caps']
    assert document.find('.//p[@class="chapter-number"]') is None


def test_the_head_names_the_authors_keywords_and_the_pinned_dates(write_book) -> None:
    book = render(write_book, {'01.md': '---\ntitle: T\nauthor: [Ann, Bob]\nlang: fr\ndescription: About.\n'
                                        'subject: [Boats, Sea]\nkeywords: [Sea, Wind]\n---\n# Un\n\nA.\n'})
    document = parsed(book)
    assert document.get('lang') == 'fr'
    metas = [(m.get('name'), m.get('content')) for m in document.find('head').findall('meta')
             if m.get('name')]
    assert metas == [('author', 'Ann'), ('author', 'Bob'), ('description', 'About.'),
                     ('keywords', 'Boats, Sea, Wind'),  # subjects first, each once
                     ('dcterms.created', '2025-11-28T00:00:00Z'),  # SOURCE_DATE_EPOCH, pinned
                     ('dcterms.modified', '2025-11-28T00:00:00Z'), ('generator', 'make-book')]


def test_math_is_set_as_svg_and_a_line_break_stays_one_break(write_book) -> None:
    text = '---\ntitle: T\n---\n# One\n\nArea $x^2$ here.\n\nline one  \nline two\n'
    book = render(write_book, {'01.md': text})
    assert '<math' in book.chapters[0].body  # MathML in the EPUB and web edition
    markup = print_html(book)
    assert '<math' not in markup  # WeasyPrint cannot lay out MathML: an SVG image instead
    formula = html.document_fromstring(markup).find('.//img[@class="math inline"]')
    assert formula.get('src').startswith('data:image/svg+xml')
    assert formula.get('alt') == 'x^2'
    assert markup.count('<br>') == 1
    assert '</br>' not in markup  # an HTML parser would read '<br></br>' as two breaks


def test_math_text_that_looks_like_markup_is_drawn_as_text_in_a_clean_svg(write_book) -> None:
    import base64

    text = '---\ntitle: T\n---\n# One\n\nA $\\text{<script>alert(1)</script> < b}$ here.\n'
    markup = print_html(render(write_book, {'01.md': text}))
    formula = html.document_fromstring(markup).find('.//img[@class="math inline"]')
    svg = base64.b64decode(formula.get('src').split(',', 1)[1])
    assert svg.startswith(b'<svg') and b'<path' in svg
    assert b'script' not in svg and b'http:' not in svg.replace(b'http://www.w3.org/2000/svg', b'')


def test_a_formula_the_pdf_cannot_draw_is_printed_as_its_tex_with_a_warning(write_book, monkeypatch) -> None:
    import pytest

    from makebook.pdf import mathsvg

    def fail(*args: object, **kwargs: object) -> None:
        raise IndexError('list index out of range')
    monkeypatch.setattr(mathsvg, 'Math', fail)
    book = render(write_book, {'01.md': '---\ntitle: T\n---\n# One\n\nA $x^2$ here.\n'})
    with pytest.warns(mathsvg.MathWarning, match=r'printed as its TeX \(IndexError\): x\^2'):
        markup = print_html(book)
    code = html.document_fromstring(markup).find('.//code[@class="math-error"]')
    assert code.text == 'x^2'


def test_a_loose_note_relaxes_the_paragraph_that_calls_it(nested_book) -> None:
    note = 'fn-n'
    before = parsed(nested_book).get_element_by_id('pg-alpha-2')
    after = parsed(nested_book, loose=[note]).get_element_by_id('pg-alpha-2')
    assert before.get('class') is None
    assert after.get('class') == 'loose'
    assert parsed(nested_book, loose=[note]).get_element_by_id('pg-beta-3').get('class') is None


def test_a_loose_block_quote_relaxes_itself_and_print_css_relaxes_its_paragraphs(write_book) -> None:
    # The layout names the quote at a page's foot; a quote has no paragraph around it to relax.
    book = render(write_book, {'01.md': '# A\n\nText.\n\n> Quoted words.\n>\n> More.\n'})
    quote = parsed(book).find('.//blockquote')
    relaxed = parsed(book, loose=[quote.get('id')]).find('.//blockquote')
    assert quote.get('class') is None and relaxed.get('class') == 'loose'
    css = (REPO / 'styles' / 'print.css').read_text(encoding='utf-8')
    assert '.loose, .loose p, .loose li { orphans: 1; widows: 1; }' in css  # 'p' sets its own


def test_empty_divisions_that_set_nothing_are_left_out_of_the_print_document(write_book) -> None:
    # Pasted HTML never closed: each <div> ends at its block, empty. WeasyPrint collapses the
    # margins of a run of empty blocks through every one before it (time growing as their square).
    book = render(write_book, {
        '01.md': '# A\n\nBefore.\n\n' + '<div>\n\n' * 50 + 'After.\n\n'
                 '<div class="rule"></div>\n\n<div id="kept"></div>\n\n'
                 '<div>Words.</div>\n\n[to the anchor](#kept)\n'})
    assert book.chapters[0].body.count('<div') > 50  # the EPUB and the web edition keep them
    chapter = parsed(book).find_class('chapter')[0]
    divisions = chapter.findall('.//div')
    assert [(d.get('class'), d.get('id'), d.text_content()) for d in divisions] == [
        ('rule', divisions[0].get('id'), ''), (None, 'kept', ''), (None, divisions[2].get('id'), 'Words.')]
    assert [p.text_content() for p in chapter.findall('p')][-3:] == ['Before.', 'After.', 'to the anchor']


def test_a_run_too_long_to_be_a_word_may_break_every_few_characters_in_print_only(write_book) -> None:
    # WeasyPrint laid out the rest of an unbreakable text for each of its lines (16,000 characters:
    # 2.9 CPU s, growing as n^1.6): the print document gives such a run a zero-width space every
    # eight characters. A real word, a run with a space, a letter and its marks, stay whole.
    long = 'x' * 2_000
    short = 'y' * 199
    joined = '\u00a0'.join(['z' * 100] * 3)  # no-break spaces: no place to break either
    marked = 'e\u0301' * 150  # é as e and a combining accent, 300 characters
    spaced = ('w' * 150 + ' ') * 3
    book = render(write_book, {'01.md': f'# A\n\n{long}\n\n{short} {spaced}\n\n*{joined}*\n\n{marked}\n'})
    assert '\u200b' not in book.chapters[0].body  # the EPUB and the web edition keep it whole
    elements = list(parsed(book).find_class('chapter')[0].iter('p'))[-4:]
    paragraphs = [p.text_content() for p in elements]
    first = paragraphs[0].split('\u200b')
    assert ''.join(first) == long and {len(piece) for piece in first} == {8}
    # In spans of eight pieces, each ended by a break but the last (WeasyPrint measures a table
    # cell's narrowest by laying out the rest of a text at each break: short texts keep it linear).
    spans = [span.text for span in elements[0].iter('span')]
    assert len(spans) == 32 and elements[0].text is None
    assert all(span == ('x' * 8 + '\u200b') * 8 for span in spans[:-1])
    assert spans[-1] == 'x' * 8 + '\u200b' + 'x' * 8
    assert paragraphs[1] == f'{short} {spaced}'.rstrip()
    assert paragraphs[2].replace('\u200b', '') == joined and paragraphs[2].count('\u200b') == len(joined) // 8
    pieces = paragraphs[3].split('\u200b')
    assert ''.join(pieces) == marked and all(piece.startswith('e') for piece in pieces)
