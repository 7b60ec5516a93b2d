"""The values that flow between the stages (model.py): finding lines in a source file, owners and
characters in a rendered book, the tables-of-contents helpers, printed page folios."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from makebook import model
from makebook.config.labels import labels_for
from makebook.model import (
    Author,
    Chapter,
    Locator,
    Metadata,
    Part,
    PrintPages,
    RenderedBook,
    SourceFile,
    by_part,
    leading,
    nest,
    slugify,
)

TEXT = ('<link rel="stylesheet" href="a.css">\n'  # line 10
        'Some (src) and src.\n'                    # line 11
        'A <a rel="note" href="#n">link</a>.\n'    # line 12
        'MiXeD Case here\n'                        # line 13
        'last line without newline')               # line 14


def source(text: str = TEXT, first_line: int = 10) -> SourceFile:
    return SourceFile(path=Path('/book/ch.md'), name='ch.md', markdown=text, first_line=first_line,
                      front_matter={})


# ---- SourceFile.line_at / line_of

def test_line_at_counts_from_the_first_line_of_the_body() -> None:
    file = source()
    assert file.line_at(0) == 10
    assert file.line_at(TEXT.index('\n')) == 10  # a newline belongs to the line it ends
    assert file.line_at(TEXT.index('\n') + 1) == 11
    assert file.line_at(TEXT.index('last')) == 14
    assert file.line_at(len(TEXT)) == 14
    assert source(first_line=1).line_at(TEXT.index('MiXeD')) == 4


def test_line_of_tries_the_needles_in_order() -> None:
    file = source()
    assert file.line_of('(src', 'src') == 11
    assert file.line_of('nowhere', 'link') == 10  # the first needle written in the file wins...
    assert file.line_of('>link<', 'link') == 12  # ...even when a later one comes earlier
    assert file.line_of('nowhere', 'elsewhere') is None
    assert file.line_of() is None


def test_a_tuple_needle_finds_the_first_line_holding_all_its_parts() -> None:
    file = source()
    assert file.line_of('rel=') == 10
    assert file.line_of(('<a', 'rel=')) == 12  # not the <link rel=> line before it
    assert file.line_of(('href', 'note')) == 12
    assert file.line_of(('rel=', 'nowhere')) is None
    assert file.line_of(('rel=', 'nowhere'), 'Case') == 13
    assert file.line_of(('', 'without')) == 14  # empty parts are left out


def test_ignore_case_folds_the_text_and_the_needles() -> None:
    file = source()
    assert file.line_of('mixed case') is None
    assert file.line_of('mixed case', ignore_case=True) == 13
    assert file.line_of(('MIXED', 'HERE'), ignore_case=True) == 13


def test_a_needle_spanning_lines_is_found_where_it_starts() -> None:
    """A formula's TeX may span lines: its problem is reported where it starts."""
    file = source()
    assert file.line_of('src.\nA') == 11  # found whole
    assert file.line_of('src.\nNot so') == 11  # else by its first line (Markdown may fold the rest)
    assert file.line_of(('Some', 'src.\n'), 'last') == 11
    assert file.line_of('\n\n', 'Case') == 13  # nothing but line ends: skipped
    assert file.line_of('', 'last') == 14


def test_a_locator_finds_each_occurrence_of_a_repeated_needle_in_turn() -> None:
    text = 'x\n![A](m.png)\ny\n![A](m.png) and ![A](m.png)\n'
    where = Locator(source(text, first_line=5))
    assert [where.line_of('(m.png', 'm.png') for _ in range(3)] == [6, 8, 8]
    assert where.line_of('(m.png', 'm.png') == 6  # past the last: the first again
    assert where.line_of('nowhere') is None
    assert where.line_of('y') == 7  # another question has its own turn
    assert Locator.of(where) is where


def test_a_locator_in_order_looks_for_a_new_needle_from_its_last_answer() -> None:
    """A pass's elements come in the order they are written: each new needle is looked for
    from the last answer on (not from the start: quadratic in distinct needles on one line),
    so a needle also written earlier, inside something else, is reported at its own line."""
    text = 'see b.png and c.png\n![B](a.png)\n![C](b.png)\n![D](c.png)\n![E](d.png) ![F](e.png)\n'
    plain, ordered = Locator(source(text, 1)), Locator(source(text, 1)).in_order()
    needles = [(f'({name}', name) for name in ('a.png', 'b.png', 'c.png', 'd.png', 'e.png')]
    assert [ordered.line_of(*n) for n in needles] == [2, 3, 4, 5, 5]
    assert [plain.line_of(*n) for n in needles] == [2, 3, 4, 5, 5]  # a precise needle: the same
    loose = Locator(source(text, 1)).in_order()
    assert [loose.line_of('a.png'), loose.line_of('b.png'), loose.line_of('c.png')] == [2, 3, 4]
    assert [Locator(source(text, 1)).line_of(n) for n in ('b.png', 'c.png')] == [1, 1]  # from the start
    assert loose.line_of('see') == 1  # not written after the last answer: from the start
    assert loose.line_of('d.png') == 5  # and on from there
    # A repeated needle goes on from its own last answer, in any view of one locator.
    shared = Locator(source(text, 1))
    assert shared.in_order().line_of('png') == 1
    assert shared.in_order().line_of('png') == 1  # the first line holds two
    assert shared.line_of('png') == 2


def test_a_locator_in_order_finds_20_000_needles_on_one_line_in_one_pass() -> None:
    """Each new needle is found from the last answer: the characters read stay linear
    (counted through the search, not timed)."""
    line = ''.join(f'![x](https://e.org/{i}.png) ' for i in range(20_000))
    read = 0

    class Counted(str):
        def find(self, sub: str, start: int = 0, *args: int) -> int:  # type: ignore[override]
            nonlocal read
            found = str.find(self, sub, start, *args)
            read += (found if found >= 0 else len(self)) + len(sub) - start
            return found

    where = Locator(dataclasses.replace(source(line), markdown=Counted(line), first_line=1)).in_order()
    assert [where.line_of(f'(https://e.org/{i}.png') for i in range(0, 20_000, 7)] == [1] * 2_858
    assert read <= 2 * len(line)


def test_a_needle_found_only_at_the_end_of_the_text_has_its_line() -> None:
    assert source().line_of('newline') == 14
    assert source('one\ntwo', first_line=3).line_of(('t', 'o')) == 4


# ---- RenderedBook

def metadata(**changes: object) -> Metadata:
    values = {'title': 'T', 'language': 'en-GB', 'identifier': 'urn:x', 'authors': (Author('A'),),
              'modified': dt.datetime(2025, 1, 1, tzinfo=dt.UTC), 'labels': labels_for('en-GB')}
    return Metadata(**{**values, **changes})


def chapter(id_: str, *, body: str = '', ids: tuple[str, ...] = (), depth: int = 0, part: Part | None = None,
            epub_type: str = 'chapter') -> Chapter:
    body = body or f'<section xmlns="http://www.w3.org/1999/xhtml"><h1 id="{id_}">{id_}</h1></section>'
    return Chapter(id=id_, file_name=f'{id_}.xhtml', title=id_, number=None, source='ch.md', body=body,
                   ids=frozenset({id_, *ids}), depth=depth, part=part, epub_type=epub_type)


def test_chapter_of_finds_the_chapter_holding_an_id() -> None:
    one, two = chapter('one', ids=('fig-1', 'fn-a')), chapter('two', ids=('fn-b',))
    book = RenderedBook(metadata(), Path('/book'), (one, two), ())
    assert book.chapter_of('fn-a') is one
    assert book.chapter_of('two') is two
    assert book.chapter_of('fn-b') is two
    assert book.chapter_of('nowhere') is None


def test_characters_and_languages_come_from_the_metadata_and_every_chapter() -> None:
    body = ('<section xmlns="http://www.w3.org/1999/xhtml"><p lang="fr-CA">Ça</p>'
            '<p lang="HE">שלום</p></section>')
    book = RenderedBook(metadata(title='Ωmega', subtitle='Sub ∑'), Path('/book'),
                        (chapter('one', body=body),), ())
    assert {'Ω', '∑', 'Ç', 'ש', 'ם'} <= book.characters
    assert 'Ω' in book.text and 'שלום' in book.text
    assert book.languages == frozenset({'en', 'fr', 'he'})
    assert RenderedBook(metadata(language='pt-BR'), Path('/'), (), ()).languages == frozenset({'pt'})


@pytest.mark.parametrize('markup', [
    '<p lang="fr">a</p><p xml:lang="he-IL">b</p>',
    'lang="de" first, <a hreflang="es">not</a> <i data-lang="x">in</i> <b _lang="no">no</b>',
    '<q élang="no" 1lang="no" lang="">x</q> <span lang="ar"/>lang="zh"',
    '', 'no attribute here', '<p lang="unclosed>',
])
def test_lang_values_are_what_a_word_bounded_search_finds(markup: str) -> None:
    """The languages a book is in (faces and checks read them) found as before, faster."""
    assert model.lang_values(markup) == re.findall(r'\blang="([^"]+)"', markup)


def test_characters_hold_author_names_nested_in_the_metadata() -> None:
    book = RenderedBook(metadata(authors=(Author('Zoë', 'trl', 'Ñame, Zoë'),)), Path('/book'), (), ())
    assert {'ë', 'Ñ'} <= book.characters


# ---- nest, by_part, leading

def shape(nodes) -> list:
    return [(node.id, shape(children)) for node, children in nodes]


def test_nest_puts_each_chapter_under_the_nearest_earlier_chapter_of_smaller_depth() -> None:
    depths = {'a': 0, 'a1': 1, 'a1x': 2, 'a2': 1, 'b': 0, 'b2': 2, 'c': 0}
    chapters = [chapter(name, depth=depth) for name, depth in depths.items()]
    assert shape(nest(chapters)) == [
        ('a', [('a1', [('a1x', [])]), ('a2', [])]),
        ('b', [('b2', [])]),  # two levels deeper still goes under the nearest shallower chapter
        ('c', [])]
    assert shape(nest([chapter('x', depth=1), chapter('y', depth=0)])) == [('x', []), ('y', [])]
    assert nest([]) == []


def test_by_part_groups_runs_of_consecutive_chapters() -> None:
    one, two = Part('p1', 'One'), Part('p2', 'Two')
    chapters = (chapter('intro'), chapter('a', part=one), chapter('b', part=one), chapter('c', part=two),
                chapter('d', part=one), chapter('end'))
    assert [(part, [c.id for c in group]) for part, group in by_part(chapters)] == [
        (None, ['intro']), (one, ['a', 'b']), (two, ['c']), (one, ['d']), (None, ['end'])]
    assert by_part(()) == []


@pytest.mark.parametrize(('types', 'count'), [
    (('dedication', 'epigraph', 'chapter'), 2),
    (('epigraph', 'dedication', 'chapter'), 2),
    (('chapter', 'dedication'), 0),  # only at the head of the book
    (('preface', 'dedication', 'chapter'), 0),
    (('dedication',), 1),
    ((), 0),
])
def test_leading_counts_the_dedication_and_epigraph_pages_at_the_head(types: tuple[str, ...],
                                                                      count: int) -> None:
    assert leading(tuple(chapter(f'c{i}', epub_type=t) for i, t in enumerate(types))) == count


# ---- PrintPages

def test_folio_of_gives_the_first_page_a_block_begins() -> None:
    pages = PrintPages(breaks=(('i', 'ded'), ('1', 'one'), ('2', 'p-3'), ('3', 'one')), source='urn:x')
    assert pages.folio_of('ded') == 'i'
    assert pages.folio_of('one') == '1'
    assert pages.folio_of('p-3') == '2'
    assert pages.folio_of('nowhere') is None
    assert PrintPages((), 'urn:x').folio_of('one') is None


# ---- small values

def test_slug_and_author_line() -> None:
    assert slugify('Léon: The Professional') == 'leon-the-professional'
    assert metadata(title='!!!').slug == 'book'
    assert metadata(authors=(Author('A'), Author('B'))).author_line == 'A and B'
    assert metadata(authors=(Author('A'), Author('B'), Author('C'))).author_line == 'A, B, and C'
    assert dataclasses.replace(metadata(), authors=()).author_line == ''
