from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from makebook.cli import parse_formats
from makebook.config.metadata import build_metadata
from makebook.config.trim import TRIM_PRESETS, parse_trim
from makebook.errors import Severity
from makebook.model import TrimSize, slugify

WHEN = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PATH = Path('book/01.md')


def metadata(data: dict, lines: dict | None = None):
    return build_metadata(data, lines or {}, PATH, WHEN)


def test_slug_comes_from_the_title() -> None:
    assert slugify('Léon: The Professional') == 'leon-the-professional'
    assert slugify('  Ça va? — Oui!  ') == 'ca-va-oui'


def test_a_minimal_book_gets_defaults_with_warnings() -> None:
    meta, problems = metadata({'title': 'T'})
    assert meta is not None
    assert meta.language == 'en'
    assert [a.name for a in meta.authors] == ['Anonymous']
    assert {p.severity for p in problems} == {Severity.WARNING}
    assert len(problems) == 2  # no lang, no author


def test_authors_may_be_a_string_a_list_or_mappings() -> None:
    meta, _ = metadata({'title': 'T', 'lang': 'en', 'author': ['Ann', {'name': 'Bo', 'role': 'editor',
                                                                       'file-as': 'Bo, B.'}]})
    assert [(a.name, a.role, a.file_as) for a in meta.authors] == [('Ann', 'aut', None),
                                                                   ('Bo', 'edt', 'Bo, B.')]
    assert meta.author_line == 'Ann'  # the editor is named with her role, on the title page
    assert [a.name for a in meta.contributors] == ['Bo']


def test_the_derived_identifier_is_stable_and_depends_on_title_and_authors() -> None:
    first, _ = metadata({'title': 'T', 'author': 'A', 'lang': 'en'})
    again, _ = metadata({'title': 'T', 'author': 'A', 'lang': 'en'})
    other, _ = metadata({'title': 'T', 'author': 'B', 'lang': 'en'})
    assert first.identifier == again.identifier != other.identifier
    assert first.identifier.startswith('urn:uuid:')
    given, _ = metadata({'title': 'T', 'identifier': 'urn:isbn:9780000000002', 'lang': 'en'})
    assert given.identifier == 'urn:isbn:9780000000002'


def test_every_bad_value_is_reported_with_its_line() -> None:
    meta, problems = metadata({'title': 'T', 'author': 42, 'lang': 'english please', 'trim-size': 'huge'},
                              {'title': 2, 'author': 3, 'lang': 4, 'trim-size': 5})
    assert meta is None
    errors = sorted((p.line, p.message) for p in problems if p.severity is Severity.ERROR)
    assert [line for line, _ in errors] == [3, 4, 5]
    assert 'the number 42' in errors[0][1]
    assert all(p.path == PATH for p in problems)


def test_a_missing_title_is_a_warning_and_the_book_is_named_for_want_of_any_other() -> None:
    meta, problems = metadata({'author': 'A', 'lang': 'en'})
    assert meta.title == 'Untitled'
    assert [(p.code, p.severity) for p in problems] == [('MB100', Severity.WARNING)]
    meta, _ = build_metadata({'author': 'A', 'lang': 'en'}, {}, PATH, WHEN,
                             fallback_title=('Moby Dick', "after its folder 'moby-dick'"))
    assert meta.title == 'Moby Dick'


def test_dates_become_iso_text() -> None:
    meta, _ = metadata({'title': 'T', 'lang': 'en', 'date': dt.date(2026, 11, 28)})
    assert meta.date == '2026-11-28'


@pytest.mark.parametrize(('text', 'expected'), [
    ('6x9', TrimSize('6in', '9in')),
    ('6 x 9', TrimSize('6in', '9in')),
    ('A5', TRIM_PRESETS['a5']),
    ('5.5in x 8.5in', TrimSize('5.5in', '8.5in')),
    ('140mm × 216mm', TrimSize('140mm', '216mm')),
    ('huge', None),
    ('6x', None),
])
def test_trim_sizes(text: str, expected: TrimSize | None) -> None:
    assert parse_trim(text) == expected


def test_formats_are_validated_and_ordered() -> None:
    assert parse_formats('pdf,epub') == ('epub', 'pdf')
    with pytest.raises(ValueError, match='unknown format mobi'):
        parse_formats('epub,mobi')
