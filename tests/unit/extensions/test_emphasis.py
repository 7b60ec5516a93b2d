"""pymdownx's emphasis applied to every match of a text in one pass (extensions/commonmark/emphasis.py):
the same XHTML as Python-Markdown's one match at a time, without a copy of the text per match."""

from __future__ import annotations

import random
from typing import Any

import markdown
import pytest

from makebook.extensions.commonmark import emphasis
from makebook.extensions.commonmark.inline import LinearInline
from makebook.render.convert import markdown_extensions
from tests.unit.render.fixture_texts import fixture_sources

# Nested, touching (a run right after the element before it), intraword '_', runs of '***'
# split between elements, escaped, with code spans, links, raw HTML, quotes and line breaks;
# and the hostile shapes of benchmarks/growth.py, small.
TEXTS = [
    '*a*', '**a**', '***a***', '*a **b** c*', '**a *b* c**', '*a*_b_*c*_d_', '_*a*_', '*_a_*', '__a__**b**',
    '***a** b*', '***a* b**', '*a **b***', '**a *b***', '*a**b***c****d*****', '***a***b***c***',
    '*' * 7 + 'a' + '*' * 7, '*' * 10 + 'a' + '*' * 9, 'snake_case_word and _em_ and a_b_c',
    '_a_b_', '*a*b*c*', '**a**b**c**', 'x**y**z', '\\*a* \\**b** *c\\*', '*a `*` b*', '`*a*` *b*',
    '*[l](u)*_x_', '[*a*](u) *[b]*', '*a <em>b</em> c*', '*<span>a*</span>*', '"*a*" \'_b_\'',
    '*a\nb*', '**a  \nb**', '*a \\\nb*', '***', '* a *', '** a **', '*a * b*', '_a _b_ c_',
    '*(*a*)*', '**(**a**)**', '*a*-*b*', '*a*.*b*', '*a*' * 3 + '_b_' * 3, '~~*a*~~ *~b~*',
    '*a ~~b*~~', '*foo*bar*', '**foo*bar**', '*' * 3 + 'a' + '_' * 3, '_' * 3 + 'a' + '*' * 3,
    '[*' * 40, '*a*_b_' * 30, '***a** b* ' * 30, '*_' * 20 + 'x' + '_*' * 20, '*a **b ' * 30,
    '*a*b' * 30, '**' * 30, '*' * 100 + 'a' + '*' * 99, '_a_' * 30, '*' + 'word ' * 80 + '*x*' * 20,
    '*a*' + 'b' * 300 + '*c*_d_' + 'e' * 300 + '*f*', '*a*_' + 'b' * 600 + '_',
]


def _convert(text: str, at_once: bool) -> str:
    LinearInline.emphasis_at_once = at_once
    try:
        md = markdown.Markdown(extensions=markdown_extensions(), output_format='xhtml')
        return md.convert(text)
    finally:
        LinearInline.emphasis_at_once = True


def _random_texts(count: int, seed: int) -> list[str]:
    pieces = ['*', '*', '*', '_', '_', 'a', 'b', ' ', '[', ']', '(u)', '`', '\\', '.', '**', '***', '~~',
              '"', "'", '<em>', '</em>', 'x_y', '\n', '[l](u)', '`*`', '\\*', '&amp;', '{.c}']
    rng = random.Random(seed)
    return [''.join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_emphasis_in_one_pass_is_one_match_at_a_time() -> None:
    for text in TEXTS + _random_texts(600, 10):
        assert _convert(text, True) == _convert(text, False), repr(text)
    assert _convert('*a*_b_', True) == '<p><em>a</em><em>b</em></p>'


def test_emphasis_in_one_pass_on_every_fixture_book_and_spec_example() -> None:
    def convert(text: str, at_once: bool) -> str:
        try:
            return _convert(text, at_once)
        except RecursionError:  # a hostile book nested past Python-Markdown's depth (render bounds it)
            return 'RecursionError'

    for source in fixture_sources():
        assert convert(source.markdown, True) == convert(source.markdown, False), source.path


def test_a_pairing_that_reads_past_its_window_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # After a match, a fresh pairing is given the text as far as it reads: with a window of one
    # character, every such pairing reads to its end and is asked again with more, its state
    # put back each time. Still the same XHTML.
    asked_again = []
    restore = emphasis._restore

    def counted(*args: Any) -> None:
        asked_again.append(1)
        restore(*args)

    monkeypatch.setattr(emphasis, '_WINDOW', 1)
    monkeypatch.setattr(emphasis, '_restore', counted)
    for text in TEXTS + _random_texts(300, 11):
        assert _convert(text, True) == _convert(text, False), repr(text)
    assert len(asked_again) > 100


def test_the_text_is_not_copied_for_each_match(monkeypatch: pytest.MonkeyPatch) -> None:
    # What made 80,000 delimiters in a paragraph quadratic: Python-Markdown gave the processor a
    # new copy of the whole paragraph for each match. In one pass it is given the paragraph as it
    # came, or a short window after a match.
    given: list[str] = []  # (kept, so that no two texts share an id)
    original = emphasis.DelimiterProcessor.handleMatch

    def handle(self: Any, match: Any, data: str) -> Any:
        given.append(data)
        return original(self, match, data)

    def long_texts() -> int:
        return len({id(data) for data in given if len(data) > 1000})

    monkeypatch.setattr(emphasis.DelimiterProcessor, 'handleMatch', handle)
    for text in ('[*' * 2000, '*a*_b_' * 1000):
        given.clear()
        _convert(text, True)
        assert len(given) >= 1000
        assert long_texts() == 1
        given.clear()
        _convert(text, False)
        assert long_texts() >= 900  # (what it was)
