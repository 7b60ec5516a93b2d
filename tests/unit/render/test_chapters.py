"""Chapters as real books lay them out: files with no heading, titles that carry their
number, front matter before the first chapter, blank headings, mdBook sub-chapters."""

from __future__ import annotations

import pytest
from lxml import etree

from makebook.errors import Severity
from makebook.render import render_book
from makebook.render.chapters import carries_number
from makebook.source import read_manuscript
from tests.tools import NS


def render(write_book, files: dict):
    return render_book(read_manuscript(write_book(files)))


def heading(chapter) -> etree._Element:
    return etree.fromstring(chapter.body).find('x:h1', NS)


def test_every_file_is_a_chapter_numbered_and_titled_in_the_books_language(write_book) -> None:
    """A French novel whose files have no headings (its tool numbered them): one chapter
    each, 'Chapitre N', never one chapter named after the first file."""
    files = {'metadata.yaml': 'title: Le Roman\nauthor: A\nlang: fr\n'}
    files |= {f'chapitre-{n:02d}.md': f'Texte du chapitre {n}.\n' for n in (1, 2, 3)}
    book = render(write_book, files)
    assert [(c.title, c.number) for c in book.chapters] == [('Chapitre 1', None), ('Chapitre 2', None),
                                                            ('Chapitre 3', None)]
    assert [heading(c).text for c in book.chapters] == ['Chapitre 1', 'Chapitre 2', 'Chapitre 3']
    assert [c.source for c in book.chapters] == ['chapitre-01.md', 'chapitre-02.md', 'chapitre-03.md']
    assert [(d.code, d.path.name, d.line) for d in book.diagnostics] == [
        ('MB300', f'chapitre-{n:02d}.md', 1) for n in (1, 2, 3)]
    assert "it is chapter 2, titled 'Chapitre 2'" in book.diagnostics[1].message


def test_chapter_title_template_says_how(write_book) -> None:
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n'
                                                'chapter-title-template: "Part the {n}th"\n',
                               '1.md': 'One.\n', '2.md': '# Named\n\nTwo.\n', '3.md': 'Three.\n'})
    assert [c.title for c in book.chapters] == ['Part the 1th', 'Named', 'Part the 3th']
    assert [c.number for c in book.chapters] == [None, 2, None]  # a title with its number: no label


@pytest.mark.parametrize(('title', 'carries'), [
    ('CHAPTER 1. Loomings.', True), ('Chapter One', True), ('Chapitre 3', True), ('IV. The Storm', True),
    ('12', True), ('3: Setup', True), ('Kapitel 7 – Die Reise', True),
    ('1984 Revisited', False), ('Loomings', False), ('I think so', False), ('Mix: a story', False),
    ('The 39 Steps', False),
])
def test_titles_that_carry_their_number(title: str, carries: bool) -> None:
    assert carries_number(title) is carries


def test_a_book_whose_chapters_number_themselves_gets_no_second_label(write_book) -> None:
    """Moby-Dick as scraped: ETYMOLOGY and EXTRACTS, then 'CHAPTER 1. Loomings.'...; no
    'CHAPTER 2' above 'CHAPTER 1. Loomings.', and the Epilogue is the epilogue."""
    files = {'metadata.yaml': 'title: Moby-Dick\nauthor: Herman Melville\nlang: en\n',
             '001_etymology.md': '---\ntitle: ETYMOLOGY.\n---\nText.\n',
             '002_extracts.md': '---\ntitle: EXTRACTS.\n---\nText.\n',
             '003_chapter-1.md': '---\ntitle: CHAPTER 1. Loomings.\n---\nText.\n',
             '004_chapter-2.md': '---\ntitle: CHAPTER 2. The Carpet-Bag.\n---\nText.\n',
             '005_epilogue.md': '---\ntitle: Epilogue\n---\nText.\n'}
    book = render(write_book, files)
    assert book.diagnostics == ()
    assert [c.title for c in book.chapters] == ['ETYMOLOGY.', 'EXTRACTS.', 'CHAPTER 1. Loomings.',
                                                'CHAPTER 2. The Carpet-Bag.', 'Epilogue']
    assert [c.number for c in book.chapters] == [None] * 5  # no generated label anywhere
    assert [(c.kind, c.epub_type) for c in book.chapters][-1] == ('backmatter', 'epilogue')


def test_a_foreword_before_the_first_chapter_does_not_shift_the_count(write_book) -> None:
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '0.md': '# FOREWORD\n\nText.\n', '1.md': '# STRINGS\n\nText.\n',
                               '2.md': '# ARRAYS\n\nText.\n', '3.md': '# Remerciements\n\nMerci.\n'})
    assert [(c.title, c.number, c.epub_type) for c in book.chapters] == [
        ('FOREWORD', None, 'foreword'), ('STRINGS', 1, 'chapter'), ('ARRAYS', 2, 'chapter'),
        ('Remerciements', None, 'acknowledgments')]


def test_a_blank_heading_is_a_warning_and_never_a_blank_title(write_book) -> None:
    """Quarto's '# &nbsp; {.unnumbered}' page: the contents and <title> get words."""
    book = render(write_book, {'metadata.yaml': 'title: T\nauthor: A\nlang: en\n',
                               '1.md': '# &nbsp; {.unnumbered}\n\nThe exodus of 1916 was long '
                                       'prepared by the years before it.\n',
                               '2.md': '# Two\n\nText.\n\n##   \n\nAfter a blank section.\n'})
    first = book.chapters[0]
    assert first.title == 'The exodus of 1916 was long…'
    assert heading(first).get('aria-label') == first.title
    assert [(d.code, d.path.name, d.line, d.severity) for d in book.diagnostics] == [
        ('MB331', '1.md', 1, Severity.WARNING)]
    assert book.chapters[1].sections == ()  # a blank '##' is no blank contents entry


def test_an_mdbook_sub_chapter_opening_with_a_lower_heading_is_its_own_chapter(write_book) -> None:
    """The Rust book's sub-chapter files start '## Installation': mdBook makes each a page."""
    book = render(write_book, {
        'book.toml': '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n',
        'src/SUMMARY.md': '- [Getting Started](ch01.md)\n    - [Installation](ch01-01.md)\n',
        'src/ch01.md': '# Getting Started\n\nIntro.\n',
        'src/ch01-01.md': '<!-- Old headings. -->\n\n<a id="old-install"></a>\n\n## Installation\n\n'
                          'See [nowhere](gone.md).\n\n### On Linux\n\nText.\n'})
    assert [(c.title, c.depth, c.number) for c in book.chapters] == [('Getting Started', 0, 1),
                                                                     ('Installation', 1, None)]
    assert [s.title for s in book.chapters[1].sections] == ['On Linux']
    (problem,) = book.diagnostics  # reported at the sub-chapter's file and line, not its parent's
    assert (problem.path.name, problem.line) == ('ch01-01.md', 7)
    assert 'old-install' in book.chapters[1].ids  # the anchors it opens with are its own


def test_in_an_mdbook_summary_md_alone_decides_the_chapters(write_book) -> None:
    """The Rust book's sub-chapters end with '## Summary' at their title's level, and a file
    may hold a second '#': in mdBook each file is one page, so each is one chapter here, its
    later headings inside it; a file with no heading is titled as SUMMARY.md names it."""
    book = render(write_book, {
        'book.toml': '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\n',
        'src/SUMMARY.md': '[Foreword](foreword.md)\n\n- [Getting Started](ch01.md)\n'
                          '    - [Installation](ch01-01.md)\n        - [On Linux](ch01-01-01.md)\n'
                          '- [Ownership](ch02.md)\n',
        'src/foreword.md': 'Words before the book, with no heading.\n\n# Thanks\n\nTo all.\n',
        'src/ch01.md': '# Getting Started\n\nIntro.\n\n# Summary\n\nWe started.\n',
        'src/ch01-01.md': '## Installation\n\nSteps.\n\n### Windows\n\nText.\n\n'
                          '## Summary\n\nInstalled.\n',
        'src/ch01-01-01.md': '### On Linux\n\nText.\n\n### Summary\n\nDone.\n',
        'src/ch02.md': '# Ownership\n\nOwn.\n'})
    assert [(c.title, c.depth, c.number) for c in book.chapters] == [
        ('Foreword', 0, None), ('Getting Started', 0, 1), ('Installation', 1, None),
        ('On Linux', 2, None), ('Ownership', 0, 2)]
    assert [[s.title for s in c.sections] for c in book.chapters] == [
        ['Thanks'], ['Summary'], ['Windows', 'Summary'], ['Summary'], []]
    foreword = ''.join(etree.fromstring(book.chapters[0].body).itertext())
    assert 'Words before the book' in foreword and 'To all.' in foreword
    assert heading(book.chapters[0]).text == 'Foreword'
    assert not [d for d in book.diagnostics if d.code == 'MB300']  # titled by SUMMARY.md, said nowhere


def test_outside_mdbook_a_level_one_heading_still_starts_a_chapter(write_book) -> None:
    book = render(write_book, {'1.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nText.\n\n'
                                       '# Two\n\nText.\n'})
    assert [c.title for c in book.chapters] == ['One', 'Two']


def test_text_before_a_files_first_heading_continues_the_chapter_and_is_reported_at_its_file(
        write_book) -> None:
    book = render(write_book, {'1.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nText.\n',
                               '2.md': 'More of one, [broken](gone.md).\n\n# Two\n\nText.\n'})
    assert [c.title for c in book.chapters] == ['One', 'Two']
    assert 'More of one' in ''.join(etree.fromstring(book.chapters[0].body).itertext())
    (problem,) = book.diagnostics
    assert (problem.path.name, problem.line) == ('2.md', 1)
    assert 'data-source' not in book.chapters[0].body


def test_the_books_title_repeated_above_each_files_title_is_left_out(write_book) -> None:
    """You Don't Know JS opens each file with the book's title, then the chapter's: on GitHub a
    running head, in a book an empty chapter before every chapter. Said once, not per file."""
    series = "# You Don't Know JS Yet: Scope\n"
    meta = "title: 'You Don’t Know JS Yet: Scope'\nauthor: A\nlang: en\n"
    book = render(write_book, {'metadata.yaml': meta,
                               '1.md': series + '# Chapter 1: One\n\nText.\n',
                               '2.md': series + '# Chapter 2: Two\n\nText.\n',
                               '3.md': series + '\nA text under the title: a chapter of its own.\n'})
    assert [c.title for c in book.chapters] == ['Chapter 1: One', 'Chapter 2: Two',
                                                'You Don’t Know JS Yet: Scope']
    (said,) = book.diagnostics
    assert (said.code, said.path.name, said.line) == ('MB333', '1.md', 1)
    assert 'opens 2 files (1.md, 2.md)' in said.message
