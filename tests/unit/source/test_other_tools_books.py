"""Manuscripts as other tools' books write them, found building public books unedited
(docs/notes/issue-14-books.md): pandoc title blocks, old HTML anchors."""

from __future__ import annotations

from lxml import etree

from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS


def render(write_book, files: dict):
    return render_book(read_manuscript(write_book(files)))


def test_a_pandoc_title_block_titles_the_chapter_and_is_not_text(write_book) -> None:
    # The Russian Rust book (ruRust/rust_book_ru, from the old rustbook) opens 71 files so.
    book = render(write_book, {
        'metadata.yaml': 'title: Язык программирования Rust\nauthor: A\nlang: ru\n',
        '01-vectors.md': '% Вектора\n\n«Вектор» — это динамический массив.\n\n## Доступ\n\nТекст.\n',
        '02-strings.md': '% Строки и\n  срезы\n% Иван Петров; Анна Смирнова\n% 2015-05-01\n\nСтроки.\n'})
    assert [c.title for c in book.chapters] == ['Вектора', 'Строки и срезы']
    body = etree.fromstring(book.chapters[0].body)
    assert body.find('x:h1', NS).text == 'Вектора'
    assert '%' not in ''.join(body.itertext())
    assert 'Иван' not in ''.join(etree.fromstring(book.chapters[1].body).itertext())
    assert not [d for d in book.diagnostics if d.code == 'MB300']


def test_a_pandoc_title_block_names_a_one_file_book(write_book) -> None:
    book = render(write_book, {'book.md': '% My Book\n% Sam Smith\n% March 2014\n\n# Chapter One\n\nText.\n'})
    assert (book.metadata.title, [a.name for a in book.metadata.authors]) == ('My Book', ['Sam Smith'])
    assert [c.title for c in book.chapters] == ['Chapter One']


def test_an_html4_named_anchor_is_a_link_target(write_book) -> None:
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01.md': '# Errors\n\nSee [the idiom](#the-idiom) and [the basics](02.md#basics).\n\n'
                 '<a name="the-idiom"></a>\n\nThe idiom.\n',
        '02.md': '# Two\n\n<a name="basics"></a>\nBasics.\n'})
    assert book.diagnostics == ()
    first, second = (etree.fromstring(c.body) for c in book.chapters)
    assert [a.get('href') for a in first.iterfind('.//x:a[@href]', NS)] == ['#the-idiom', '#basics']
    assert first.find('.//x:a[@id="the-idiom"]', NS) is not None
    assert second.find('.//x:a[@id="basics"]', NS) is not None
    assert not [a for c in (first, second) for a in c.iterfind('.//x:a[@name]', NS)]


def test_the_badges_a_readme_opens_the_book_with_are_no_chapter_of_their_own(write_book) -> None:
    # TypeScript Deep Dive's README: a linked badge above its title made a chapter
    # 'YouTube Channel Subscribers'. Badges are kept in the first chapter, under its title.
    from tests.tools import tiny_png
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01-readme.md': '[![Subscribers](badge.png)](https://example.org/c) | [![Stars](badge.png)]'
                        '(https://example.org/s)\n\nTypeScript Deep Dive\n====\n\nText.\n',
        '02-next.md': 'Some words first.\n\n# Next\n\nMore.\n', 'badge.png': tiny_png()})
    assert [c.title for c in book.chapters] == ['TypeScript Deep Dive', 'Next']
    first = etree.fromstring(book.chapters[0].body)
    assert len(first.findall('.//x:img', NS)) == 2 and first.find('x:h1', NS) is not None
    # Words before a later file's heading still continue the chapter before, as pandoc reads them.
    assert 'Some words first.' in ''.join(first.itertext())


def test_an_empty_corner_header_cell_is_a_data_cell(write_book) -> None:
    # The Rustonomicon's variance table: Ace failed the EPUB on its empty <th>.
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '01.md': '# Variance\n\n|   | a | T |\n|---|---|---|\n| `&T` | co | co |\n'})
    table = etree.fromstring(book.chapters[0].body).find('.//x:table', NS)
    assert [etree.QName(c).localname for c in table.find('.//x:tr', NS)] == ['td', 'th', 'th']


def test_a_note_written_in_another_file_is_its_calls_as_pandoc_joins_the_files(write_book) -> None:
    # Tholonia calls 446 notes in its chapters and writes them all in a last References file.
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01-chaos.md': '# Chaos\n\nA claim.[^304] Another.[^7] Again.[^304]\n\n[^7]: Its own note.\n',
        '02-order.md': '# Order\n\nA third.[^12]\n\n```\nregex [^12] in code\n```\n',
        '99-references.md': '# References\n\nThe sources.[^1]\n\n[^1]: Called here.\n\n'
                            '[^304]: Gerald Pollack, *The Fourth Phase of Water*,\n'
                            'continued on a second line.\n\n    And a second paragraph.\n\n'
                            '[^12]: Gleick, *Chaos*.\n\nAfter the notes.\n'})
    assert not [d for d in book.diagnostics if d.code in ('MB306', 'MB330')], book.diagnostics
    chaos, order, references = (''.join(etree.fromstring(c.body).itertext()) for c in book.chapters)
    assert 'Gerald Pollack' in chaos and 'a second line' in chaos and 'second paragraph' in chaos
    assert 'Gleick' in order and 'Gleick' not in references and 'Pollack' not in references
    assert 'Called here.' in references and 'After the notes.' in references


def test_a_note_two_other_files_define_is_the_first_as_pandoc_keeps_it(write_book) -> None:
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01.md': '# One\n\nA call.[^1] A note nobody wrote.[^9]\n', '02.md': '# Two\n\n[^1]: The first.\n',
        '03.md': '# Three\n\n[^1]: The second.\n'})
    first = ''.join(etree.fromstring(book.chapters[0].body).itertext())
    assert 'The first.' in first and 'The second.' not in first
    missing = [(d.path.name, d.line) for d in book.diagnostics if d.code == 'MB306']
    assert missing == [('01.md', 3)]


def test_markdown_after_a_closed_html_line_is_markdown_as_pandoc_reads_it(write_book) -> None:
    # Tholonia opens every chapter with a page-break <div> and writes its notes under a heading
    # on the next line: Python-Markdown (and CommonMark) ran the HTML block on to the blank line.
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01.md': "<div style='page-break-after: always;'></div>\n# One\n\nCall.[^1]\n\n"
                 "<div style='page-break-after: always;'></div>\n###### Notes\n[^1]: The note.\n\n"
                 '<span>Inline</span>\nthe same paragraph.\n\n```\n<div></div>\nkept as code\n```\n\n'
                 '::: note\nNever closed.\n'})
    assert [c.title for c in book.chapters] == ['One']
    body = etree.fromstring(book.chapters[0].body)
    assert [h.text for h in body.iterfind('.//x:h6', NS)] == ['Notes']
    assert not [d for d in book.diagnostics if d.code == 'MB306']
    assert any(''.join(p.itertext()) == 'Inline\nthe same paragraph.' for p in body.iterfind('.//x:p', NS))
    assert body.find('.//x:pre', NS).findtext('x:code', namespaces=NS) == '<div></div>\nkept as code\n'
    # A problem found by line number is still at its own line, after the lines added.
    assert [(d.code, d.line) for d in book.diagnostics if d.code == 'MB313'] == [('MB313', 18)]


def test_an_unlisted_page_is_in_the_book_and_in_no_contents(write_book) -> None:
    # pandoc-novel's front matter: '# <!-- Page break --> {.unlisted .unindented}' pages with no
    # title, which filled the contents with their first words and warned MB331 each.
    from makebook.epub.nav import nav_document, ncx_toc
    book = render(write_book, {
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01-accolades.md': '# <!-- Page break --> {.unlisted .unindented}\n\n"Astonishing."\n',
        '02-praise.md': '# More Praise {.unlisted}\n\nText.\n', '03-one.md': '# Chapter 1\n\nText.\n'})
    assert [(c.title, c.listed) for c in book.chapters] == [
        ('“Astonishing.”', False), ('More Praise', False), ('Chapter 1', True)]
    assert not [d for d in book.diagnostics if d.code == 'MB331']
    nav = etree.fromstring(nav_document(book, None))
    toc = nav.find('.//x:nav[@id="toc"]', NS)
    assert [a.text for a in toc.iterfind('.//x:a', NS)] == ['Chapter 1']
    assert len(ncx_toc(book)) == 1
    assert 'unlisted' in etree.fromstring(book.chapters[0].body).get('class')


def test_quarto_chunks_show_their_code_their_images_and_never_their_options(write_book) -> None:
    # R for Data Science: 67 figures are knitr::include_graphics() in chunks with echo: false,
    # referenced as @fig-x; 133 chunks hide their code; '#|' options were shown as code.
    from tests.tools import tiny_png
    book_folder = write_book({
        'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
        '01.md': '# Intro\n\n```{r}\n#| echo: false\nsource("_common.R")\n```\n\n'
                 'The cycle is in @fig-ds-diagram.\n\n'
                 '```{r}\n#| label: fig-ds-diagram\n#| echo: false\n#| fig-cap: |\n'
                 '#|   In our model of the data science process,\n#|   you start with import.\n'
                 'knitr::include_graphics("diagrams/base.png", dpi = 270)\n```\n\n'
                 '```{r}\n#| label: numbers\nx <- c(1, 2)\nmean(x)\n```\n\n'
                 '```{r setup, include=FALSE}\nlibrary(tidyverse)\n```\n',
        'diagrams/base.png': tiny_png()})
    book = render_book(read_manuscript(book_folder))
    body = etree.fromstring(book.chapters[0].body)
    text = ''.join(body.itertext())
    assert 'source(' not in text and 'library(' not in text and '#|' not in text
    assert 'mean(x)' in text
    figure = body.find('.//x:figure', NS)
    assert figure is not None and 'In our model of the data science process, you start with import.' in \
        ''.join(figure.find('x:figcaption', NS).itertext())
    assert 'The cycle is in figure 1.' in text
    assert not [d for d in book.diagnostics if d.code == 'MB302']
    (hidden,) = [d for d in read_manuscript(book_folder).diagnostics if d.code == 'MB335']
    assert (hidden.path.name, hidden.line) == ('01.md', 3) and hidden.message.startswith('2 code chunks')


def test_a_link_to_an_address_with_no_text_reads_as_its_address(write_book) -> None:
    # TypeScript Deep Dive: '[](https://github.com/Microsoft/TypeScript/pull/1931)', four times;
    # Ace failed the EPUB (link-name: a link with nothing to read).
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '01.md': '# One\n\nSee [](https://github.com/x/pull/1931) and '
                                        '[](mailto:a@b.org).\n'})
    links = etree.fromstring(book.chapters[0].body).findall('.//x:a', NS)
    assert [(a.get('href'), a.text) for a in links] == [
        ('https://github.com/x/pull/1931', 'github.com/x/pull/1931'), ('mailto:a@b.org', 'a@b.org')]


def test_a_link_with_no_address_and_no_text_is_no_link(write_book) -> None:
    # PAIP: '| []() |' in 67 tables' header rows; Ace failed the EPUB (link-name).
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '01.md': '# One\n\n| []() | b |\n|---|---|\n| 1 | 2 |\n\n'
                                        '| <a name="fig-1"></a> | c |\n|---|---|\n| 3 | 4 |\n\n'
                                        'Text []() more, [kept]() and [](#one).\n'})
    body = etree.fromstring(book.chapters[0].body)
    links = body.findall('.//x:a[@href]', NS)
    assert [(a.get('href'), ''.join(a.itertext())) for a in links] == [('', 'kept'), ('#one', 'One')]
    paragraph = body.findall('.//x:p', NS)[-1]
    assert ''.join(paragraph.itertext()).startswith('Text  more, kept and')
    # each table's empty corner (or one holding only an anchor) is a data cell
    assert [len(body.findall(f'.//x:{tag}', NS)) for tag in ('th', 'td')] == [2, 6]
    assert body.find('.//x:td/x:a[@id="fig-1"]', NS) is not None


def test_an_address_with_characters_a_url_may_not_hold_is_escaped(write_book) -> None:
    # The Russian Rust book: 'manifest.html#the-[features]-section' (EPUBCheck RSC-020).
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '01.md': '# One\n\n[features](http://doc.crates.io/manifest.html#the-[features]-section)'
                                        ' and [a page](https://x.org/a%20b?q=1).\n'})
    links = etree.fromstring(book.chapters[0].body).findall('.//x:a', NS)
    assert [a.get('href') for a in links] == ['http://doc.crates.io/manifest.html#the-%5Bfeatures%5D-section',
                                              'https://x.org/a%20b?q=1']


def test_callouts_are_notes_not_landmarks(write_book) -> None:
    # R for Data Science: three '::: callout-note' a chapter, unnamed <aside> landmarks (Ace).
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '01.md': '# One\n\n::: callout-note\nA.\n:::\n\n::: callout-tip\nB.\n:::\n\n'
                                        '::: sidebar\nC.\n:::\n'})
    asides = etree.fromstring(book.chapters[0].body).findall('.//x:aside', NS)
    assert [a.get('role') for a in asides] == ['note', 'doc-tip', None]
