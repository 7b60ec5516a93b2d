"""render_book on pandoc-style manuscripts: front matter per file, parts, cross-references."""

from lxml import etree

from makebook.checks import check_book
from makebook.errors import Severity
from makebook.model import by_part
from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS


def _render(write_book, files):
    return render_book(read_manuscript(write_book(files)))


def test_per_file_front_matter_applies_to_its_chapter(write_book):
    book = _render(write_book, {
        '01.md': '---\ntitle: Book\n---\n# One\n\nText.',
        '02.md': '---\ntitle: Préface\nsubtitle: Before all\nepub:type: preface\nlang: fr\n'
                 'unnumbered: true\n---\nTexte.',
        '03.md': '# Two\n\nText.'})
    preface = etree.fromstring(book.chapters[1].body)
    assert preface.get('{http://www.idpf.org/2007/ops}type') == 'preface'
    assert preface.get('lang') == 'fr'
    assert preface.find('x:p[@class="chapter-subtitle"]', NS).text == 'Before all'
    assert [c.number for c in book.chapters] == [1, None, 2]


def test_part_headings_group_chapters(write_book):
    book = _render(write_book, {
        '01.md': '---\ntitle: Book\n---\n# Opening\n\nText.\n\n# Part One {.part}\n\n'
                 '# A\n\nText.\n\n# B\n\nText.\n\n# Part Two {.part}\n\n# C\n\nText.'})
    groups = [(p.title if p else None, [c.title for c in cs]) for p, cs in by_part(book.chapters)]
    assert groups == [(None, ['Opening']), ('Part One', ['A', 'B']), ('Part Two', ['C'])]
    assert [c.number for c in book.chapters] == [1, 2, 3, 4]


def test_cross_references_across_files(write_book, tmp_path):
    book = _render(write_book, {
        '01.md': '---\ntitle: Book\n---\n# One\n\n## Method {#sec-method}\n\n'
                 '![A map](map.svg){#fig-map}\n\nAnchor [here]{#spot}.',
        '02.md': '# Two\n\nSee @fig-map, @sec-method, [](01.md#spot) and [](01.md#sec-method).',
        'map.svg': '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'})
    second = etree.fromstring(book.chapters[1].body)
    links = [(a.get('href'), a.get('class'), ''.join(a.itertext()))
             for a in second.iterfind('.//x:a', NS)]
    assert links == [('#fig-map', 'xref xref-fig', 'figure 1'),
                     ('#sec-method', 'xref xref-sec', 'Method'),
                     ('#spot', 'xref xref-page', 'here'),
                     ('#sec-method', 'xref xref-page', 'Method')]
    caption = etree.fromstring(book.chapters[0].body).find('.//x:figcaption', NS)
    assert ''.join(caption.itertext()) == 'Figure 1. A map'


def test_broken_reference_is_a_warning_with_its_line_and_keeps_what_was_written(write_book):
    book = _render(write_book, {'01.md': '---\ntitle: Book\n---\n# One\n\nText.\n\nSee @sec-nowhere.'})
    problems = [p for p in check_book(book) if 'sec-nowhere' in p.message]
    assert [(p.path.name, p.line, p.severity) for p in problems] == [('01.md', 8, Severity.WARNING)]
    assert 'See @sec-nowhere.' in ''.join(etree.fromstring(book.chapters[0].body).itertext())


def test_math_is_mathml_and_marked(write_book):
    book = _render(write_book, {'01.md': '---\ntitle: Book\n---\n# One\n\nPrices $5 and $10.',
                                '02.md': '# Two\n\nArea $\\pi r^2$ and bad $\\frac{a$.'})
    assert [c.has_math for c in book.chapters] == [False, True]
    warnings = [p for p in book.diagnostics if 'formula' in p.message]
    assert [(w.path.name, w.line) for w in warnings] == [('02.md', 3)]


def test_fenced_div_epub_type_and_raw_latex_warning(write_book):
    book = _render(write_book, {'01.md': '---\ntitle: Book\n---\n# One\n\n'
                                '::: {.sidebar epub:type=sidebar}\nAside.\n:::\n\n'
                                '```{=latex}\n\\newpage\n```\n\nEnd.'})
    body = etree.fromstring(book.chapters[0].body)
    aside = body.find('x:aside', NS)
    assert aside.get('{http://www.idpf.org/2007/ops}type') == 'sidebar'
    assert [(d.line, 'latex' in d.message) for d in book.diagnostics] == [(10, True)]


def test_text_under_a_part_heading_is_reported(write_book):
    book = _render(write_book, {'01.md': '---\ntitle: Book\n---\n# Part One {.part}\n\nIntro.\n\n'
                                '# A\n\nText.'})
    assert [c.title for c in book.chapters] == ['A']
    assert book.chapters[0].part.title == 'Part One'
    assert [(d.line, 'part heading' in d.message) for d in book.diagnostics] == [(4, True)]


def test_minus_among_heading_attributes_is_unnumbered(write_book):
    book = _render(write_book, {'01.md': '---\ntitle: Book\n---\n# Foreword {#fw -}\n\nText.\n\n'
                                '# One\n\nText.'})
    assert [(c.id, c.number) for c in book.chapters] == [('fw', None), ('one', 1)]
