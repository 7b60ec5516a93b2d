"""The registry of whole-book checks (checks/__init__.py): which run for which formats, and that each
reports only the codes it is registered with."""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import re

import pytest

from makebook import checks, codes
from makebook.checks import CHECKS, Check, check_book
from makebook.codes import Code
from makebook.errors import Diagnostic
from makebook.model import FORMATS, RenderedBook
from makebook.render import render_book
from makebook.source import read_manuscript

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def render(write_book, text: str) -> RenderedBook:
    return render_book(read_manuscript(write_book({'01.md': HEAD + text})))


def test_the_glyph_check_runs_only_when_the_pdf_is_built(write_book) -> None:
    book = render(write_book, '# One\n\nA 𓀀 here.\n')  # no face of the book has it: only print cares
    assert book.diagnostics == ()
    assert check_book(book, ('epub', 'html')) == []
    assert [d.code for d in check_book(book, ('pdf',))] == ['MB404']
    assert [d.code for d in check_book(book)] == ['MB404']  # every format, by default


SUBSETS = [combo for size in range(1, len(FORMATS) + 1) for combo in itertools.combinations(FORMATS, size)]


@pytest.mark.parametrize('formats', SUBSETS, ids='+'.join)
def test_a_check_runs_only_when_a_format_it_matters_for_is_built(
        nested_book: RenderedBook, monkeypatch: pytest.MonkeyPatch, formats: tuple[str, ...]) -> None:
    ran: list[int] = []

    def spy(index: int, check: Check) -> Check:
        def run(book: RenderedBook) -> list[Diagnostic]:
            ran.append(index)
            return check.run(book)
        return dataclasses.replace(check, run=run)
    monkeypatch.setattr(checks, 'CHECKS', tuple(spy(i, check) for i, check in enumerate(CHECKS)))
    check_book(nested_book, formats)
    builds = [i for i, check in enumerate(CHECKS) if not check.author]  # the copy-editor's: check only
    assert ran == [i for i in builds if set(CHECKS[i].formats) & set(formats)]
    assert len(ran) >= len(builds) - 2  # only the glyph and running-head checks are for one format
    ran.clear()
    check_book(nested_book, formats, author=True)
    assert ran == [i for i, check in enumerate(CHECKS) if set(check.formats) & set(formats)]


def test_problems_found_while_rendering_come_first(write_book) -> None:
    book = render(write_book, '# One\n\nText ![](missing.png)\n\n# Empty\n')
    found = [d.code for d in check_book(book, ('epub',))]
    assert found == [*(d.code for d in book.diagnostics), 'MB403']
    assert book.diagnostics  # the image: no alt text, no file


def referenced_codes(check: Check) -> set[Code]:
    """The codes the check's own source names (codes.NAME)."""
    source = inspect.getsource(check.run)
    return {getattr(codes, name) for name in re.findall(r'\bcodes\.([A-Z_0-9]+)\b', source)}


def test_a_check_names_only_the_codes_it_is_registered_with() -> None:
    for check in CHECKS:
        named = referenced_codes(check)
        assert named, check.run.__name__
        assert named <= set(check.reports), check.run.__name__
        assert all(code.id.startswith('MB4') for code in check.reports)  # whole-book checks: MB4xx


def provoking_book(write_book) -> RenderedBook:
    """A book with an id written in two chapters, a chapter with no text, a character of no face,
    one only a fallback face has, and a title too long for its running head."""
    book = render(write_book, '# One\n\nA 𓀀 here, a ϰ there.\n\n# Empty\n\n# Three\n\nText.\n\n'
                              '# A Chapter Whose Title Is Much Too Long to Fit in a Running Head'
                              ' at the Top\n\n'
                              'Text.\n')
    one, empty, three, long = book.chapters
    # Render never gives an id twice; two chapters claiming one is what unique_ids is there for.
    three = dataclasses.replace(three, ids=three.ids | {'one'})
    return dataclasses.replace(book, chapters=(one, empty, three, long))


def test_each_check_reports_only_its_registered_codes(write_book, nested_book: RenderedBook) -> None:
    book = provoking_book(write_book)
    reported = {}
    for check in CHECKS:
        found = check.run(book)
        assert {d.code for d in found} <= {code.id for code in check.reports}, check.run.__name__
        assert all(d.severity is codes.ALL[d.code].severity for d in found)
        reported[check.run.__name__] = sorted(d.code for d in found)
        assert check.run(nested_book) == []  # and nothing for a sound book
    assert reported == {'unique_ids': ['MB401'], 'well_formed': [], 'no_empty_chapters': ['MB403'],
                        'characters_in_fallback_faces': ['MB430'], 'every_character_has_a_face': ['MB404'],
                        'headings_in_order': [], 'unique_chapter_titles': [], 'balanced_quotes': [],
                        'curled_quotes': [], 'ellipses': [], 'dashes': [], 'paragraph_length': [],
                        'titles_fit_their_running_heads': ['MB410']}


def test_a_chapter_that_is_not_well_formed_is_reported_with_its_code(write_book) -> None:
    """The well_formed check parses each chapter with chapter_element, which raises on a body that is
    not well-formed, before the check can report it: MB402 can never be reported, and such a body
    (a bug in render) would end the build with a traceback instead of the code and its hint."""
    book = render(write_book, '# One\n\nText.\n')
    broken = dataclasses.replace(book.chapters[0], body=book.chapters[0].body.replace('</p>', ''))
    found = check_book(dataclasses.replace(book, chapters=(broken,)), ('epub',))
    assert [(d.code, d.path.name) for d in found] == [('MB402', '01.md')]
