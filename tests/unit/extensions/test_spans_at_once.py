"""Code spans and attribute spans applied to every match of a text at once (LinearInline's
_code_spans and _Rebuilt; SpanProcessor's makebook_at_once): the same XHTML as Python-Markdown's
one match at a time, which rebuilt the whole text around each match's placeholder."""

from __future__ import annotations

import random
from typing import Any

import markdown
import pytest

from makebook.extensions.commonmark import inline
from makebook.extensions.commonmark.inline import LinearInline
from makebook.render.convert import markdown_extensions
from tests.unit.render.fixture_texts import fixture_sources

# Touching, escaped backticks, even runs of backslashes before a backtick (the match after one
# starts where one at a time saw its placeholder's end), runs of different lengths, unclosed
# runs, spans in links, emphasis, spans and raw HTML, and tags that start before a span and
# hold it, or would hold it once the spans before it are placeholders.
CODE = [
    '`a``b`', '`a` `b`', '`a``b``c`', '``a`b``', '```a``b```', '`` ` ``', '``a` `b``', '`a`` b ``c`',
    '\\`a` `b`', '`a\\`b`', '\\\\`a`', '\\\\\\`a`', '\\\\\\\\`a`', '`a`\\\\`b`', '`a`\\\\\\`b`',
    '\\\\`a`\\\\`b`', '\\\\``a``', 'x\\\\`', '\\\\`', '`\\\\`\\\\`a`', '```', '`a', '``a`',
    'a`b``c```d', '` a `', '`  `', '`\na\n`',
    '[`a`](u) [b `c`](d)', '*`a`* **`b`**', '[`a`]{.c} [b `c`]{.d}', '`<a>`', '<a href="`">`b`',
    '<a title="`x"` `y`">', '<a title="`x"`>`y`">', '<a title=\'`x\'` `y`\'>', '<a title="x \\\\`y`">',
    '<!-- `a->` `b` -->', '<!-- `-->` `b` -->', '<? `?>` `b` ?>', '<!X `>` `b` >', '<![CDATA[ `]]>` `b` ]]>',
    '<http://a`b`c>', '<a`b`@c.d>', '<http://a `b` `c`>', '<a b=`c` `d`>', '<a b="`c"` "`d`">',
    '<a b="c" `d` e>', '`a` <b c="`d"`e`" >`f`', '<!-- `a` `->` --> `b`', '<a title="' + '`x"` ' * 30 + '">',
    '<a title="' + '`-` ' * 200 + '" `z` ">', '<a title="' + '`"` ' * 200 + '`z`">',
    '`"` <a title="`x"` `y`">',
    '`a` ' * 50 + '<span title="' + '`>` ' * 50 + '">`z`',
    '<!-- ' + '`a` ' * 700 + '`>` ' + '`b` ' * 10 + '-->', '<a title="' + 'x' * 2100 + '`"` `y`">',
    '<a title="`"` ' + 'x' * 1990 + ' `y`">', '<a title="`"` ' + '`aaaaaaaaaaaaaaaaaaaa` ' * 120 + ' `y`">',
    '<a title="`"` ' + '`a`' * 700 + ' `y`">', '*a `*` b*', '`*a*` *b*', '"`a`" \'`b`\'', '~~`a`~~ ^`b`^',
    '`a`{.c}', '[x]{.c}`a`', '<b>`a`</b>', '`a`<br>`b`', '&amp;`a`&amp;', '$`a`$ `$b$`',
]
# (and each again after a word: one starting '<!--', '<?' or '<!X' is an HTML block otherwise)
CODE += ['x ' + text for text in CODE] + ['x ' + '<!-- `a` ' * 300, 'x ' + '<!X `a` ' * 300 + '>']
# A comment, processing instruction, declaration or CDATA with spans between it and its end
# that hold a quote, a '>' or a false end: read as in the text as it came.
CODE += [f'x {start} `"` `>` `{inner}` `b` {end} `c`' for start, end in
         (('<!--', '-->'), ('<?', '?>'), ('<!X', '>'), ('<![CDATA[', ']]>'), ('<a title="', '">'))
         for inner in ('a', '--->', '-->', '?>', ']]>', '>', '"', "'")]
# Attribute spans: touching, nested, with emphasis, code, links and raw HTML inside, escaped,
# and raw inlines ('{=html}') that are not spans.
ATTRIBUTES = [
    '[a]{.c}[b]{.d}', '[a]{.c} [b]{.d}', '[[a]{.c}]{.d}', '[*a* **b**]{.c}', '[`a`]{.c}', '[[l](u)]{.c}',
    '[a]{.c}[b](u)', '![a]{.c}', '\\[a]{.c}', '[a\\]]{.c}', '[a]{=html}[b]{.c}', '[a]{.c}]{.d}',
    '[a]{#x .y k=v}[b]{.z}', '[<b>a</b>]{.c}', '[a]{.c}' * 40, '*[a]{.c}*[b]{.d}', '[a]{.c}\n[b]{.d}',
    '[a [b]{.c} d]{.e}', '[a]{.c}{.d}', '[a]{}[b]{.c}', '[a]{.c}`b`[c]{.d}', '[`a]{.b}`]{.c}',
]


def _convert(text: str, at_once: bool) -> str:
    md = markdown.Markdown(extensions=markdown_extensions(), output_format='xhtml')
    md.inlinePatterns['span'].makebook_at_once = at_once
    LinearInline.code_spans_at_once = at_once
    try:
        return md.convert(text)
    except RecursionError:  # a hostile book nested past Python-Markdown's depth (render bounds it)
        return 'RecursionError'
    finally:
        LinearInline.code_spans_at_once = True


def _random_texts(count: int, seed: int) -> list[str]:
    pieces = ['`', '`', '`', '``', '```', '\\', '\\\\', 'a', ' ', '"', "'", '-', '>', '?', ']', '<',
              '<a title="', '<!-- ', '-->', '<?', '?>', '">',
              '<!X ', '<![CDATA[', ']]>', '---', '[', ']{.c}', '*', '_', '(u)', '\n', '{=html}']
    rng = random.Random(seed)
    return [''.join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def _differing(texts: list[str]) -> list[str]:
    """The texts whose XHTML at once is not the XHTML one match at a time."""
    return [text for text in texts if _convert(text, True) != _convert(text, False)]


def test_code_spans_and_attribute_spans_at_once_are_one_at_a_time() -> None:
    assert _differing(CODE + ATTRIBUTES + _random_texts(1500, 12)) == []
    # Where a span only looks inside a tag once the spans before it are placeholders (what
    # one at a time did: that tag's quoted value runs over the first span's placeholder).
    assert _convert('<a title="`x"` `y`">', True) == '<p><a title="<code>x"</code> `y`"></p>'
    assert _convert('\\\\`a`', True) == '<p>\\<code>a</code></p>'
    assert _convert('[a]{.c}[b]{.d}', True) == '<p><span class="c">a</span><span class="d">b</span></p>'


def test_at_once_on_every_fixture_book_and_spec_example() -> None:
    assert _differing([source.markdown for source in fixture_sources()]) == []


def test_a_tag_cut_at_the_window_end_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tag that starts before a placeholder is matched in a window of the rebuilt text; with
    # one character after the position, a tag still open at the window's end is asked again
    # with four times as much: still the same XHTML.
    grown = []
    holds = inline._Window.holds

    def counted(self: Any, start: int) -> bool:
        grown.append(1)
        return holds(self, start)

    monkeypatch.setattr(inline, '_WINDOW_AFTER', 1)
    monkeypatch.setattr(inline._Window, 'holds', counted)
    assert _differing(CODE + _random_texts(1500, 13)) == []
    assert len(grown) > 50


def test_the_text_is_not_copied_for_each_match(monkeypatch: pytest.MonkeyPatch) -> None:
    # What made 80,000 code spans in a paragraph quadratic: the paragraph rebuilt around each.
    given: list[str] = []  # (kept, so that no two texts share an id)
    original = inline.CodeSpan.handle

    def handle(self: Any, match: Any, data: str, inside_tag: Any) -> Any:
        given.append(data)
        return original(self, match, data, inside_tag)

    monkeypatch.setattr(inline.CodeSpan, 'handle', handle)
    for text in ('`a` ' * 1000, '\\\\`a`' * 1000, '<a title="`"` ' + '`a` ' * 1000):
        given.clear()
        _convert(text, True)
        assert len(given) >= 1000
        assert len({id(data) for data in given if len(data) > 1000}) == 1
