"""Titles too long for their running heads (checks/running_heads.py): a warning asking for a short
title, with the heading's file and line; a short title or a natural break is enough."""

from __future__ import annotations

from makebook import codes
from makebook.checks import check_book
from makebook.render import render_book
from makebook.source import read_manuscript

LONG = 'A Chapter Whose Title Is Much Too Long to Fit in a Running Head at the Top'


def _problems(write_book, text: str, extra: str = '') -> list:
    book = render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: T\nauthor: A\nlang: en\n{extra}---\n{text}\n'})))
    return [p for p in check_book(book, ('pdf',)) if p.code == codes.LONG_RUNNING_HEAD.id]


def test_a_long_title_with_no_natural_break_asks_for_a_short_title(write_book) -> None:
    found = _problems(write_book, f'# One\n\nText.\n\n# {LONG}\n\nText.')
    assert len(found) == 1
    assert found[0].line == 10 and found[0].path.name == '01.md'
    assert 'short-title' in found[0].message and found[0].severity.value == 'warning'


def test_a_short_title_or_a_colon_is_enough(write_book) -> None:
    assert _problems(write_book, f'# {LONG} {{short-title="Too Long"}}\n\nText.') == []
    colon = '# The Story Behind the Film: Development and Direction and More\n\nT.'
    assert _problems(write_book, colon) == []


def test_the_book_title_may_have_a_short_title_too(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': f'---\ntitle: {LONG}\nauthor: A\nlang: en\n---\n# One\n\nText.\n'})))
    found = [p for p in check_book(book, ('pdf',)) if p.code == codes.LONG_RUNNING_HEAD.id]
    assert len(found) == 1 and "'short-title:'" in found[0].message
    assert _problems(write_book, '# One\n\nText.', 'short-title: Too Long\n') == []
