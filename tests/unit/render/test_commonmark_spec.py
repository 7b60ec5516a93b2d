"""The CommonMark specification (0.31.2, 652 examples) as an outside test suite.

Every example goes through make-book's own per-file conversion (render.convert, as a
build runs it) and is compared with the spec's HTML by the normaliser documented in
tests/commonmark.py. The examples make-book reads differently are listed, each with
its reason, in tests/data/commonmark/expected-failures.txt: an example on the list that
starts to pass fails here until it is taken off (the list only shrinks), and any other
example that stops passing fails here too.
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from tests import commonmark as cm

EXPECTED = cm.expected_failures()


@pytest.mark.parametrize('example', cm.examples(), ids=lambda e: f'{e.number}')
def test_example(example: cm.Example) -> None:
    ok, want, got = cm.compare(example)
    if example.number in EXPECTED:
        assert not ok, (f'example {example.number} passes now: take it off expected-failures.txt '
                        f'({EXPECTED[example.number]})')
    else:
        assert ok, (f'example {example.number} ({example.section}, spec line {example.line})\n'
                    f'Markdown: {example.markdown!r}\nexpected: {want}\ngot:      {got}')


def test_the_targets_are_held() -> None:
    """At least 90 % of all examples and 95 % in each section of a book's block structure."""
    passing = {e.number: e.number not in EXPECTED for e in cm.examples()}
    assert sum(passing.values()) >= 0.9 * len(passing)
    for section, passed, count in cm.per_section(passing):
        if section in cm.FOCUS:
            assert passed >= 0.95 * count, f'{section}: {passed} of {count}'


def test_every_expected_failure_is_an_example_with_a_reason() -> None:
    numbers = {e.number for e in cm.examples()}
    assert len(numbers) == 652
    assert set(EXPECTED) <= numbers
    assert all(reason for reason in EXPECTED.values())


def test_the_normaliser_passes_a_commonmark_implementation() -> None:
    """Not too strict: markdown-it-py (a CommonMark implementation) passes every example."""
    md = MarkdownIt('commonmark')
    failing = [e.number for e in cm.examples()
               if not cm.passes(e, md.render, sanitise_expected=False)]
    assert failing == []


def test_the_normaliser_fails_a_deviant_renderer() -> None:
    """Not too lenient: soft breaks as <br> and raw HTML escaped fail many examples."""
    md = MarkdownIt('commonmark', {'breaks': True, 'html': False})
    passing = sum(cm.passes(e, md.render, sanitise_expected=False) for e in cm.examples())
    assert passing < len(cm.examples()) - 100


@pytest.mark.parametrize(('a', 'b'), [
    ('<p>a<br />b</p>', '<p>a<br>\nb</p>'),
    ('<p>&quot;x&quot; &amp; &#39;</p>', '<p>"x" &amp; \'</p>'),
    ('<h1 id="x">T</h1>', '<h1>T</h1>'),
    ('<p>"a" -- b...</p>', '<p>“a” – b…</p>'),
    ('<pre><code class="language-py">x\n</code></pre>',
     '<div class="highlight"><pre><span></span><code class="language-py"><span class="n">x</span>\n'
     '</code></pre></div>'),
    ('<p><img src="a.png" alt="A" /></p>',
     '<figure><img src="a.png" alt="A"/><figcaption>A</figcaption></figure>'),
    ('<ol start="3"><li>a</li></ol>', '<ol start="003"><li>a</li></ol>'),
    ('<a href="/f%C3%B6%C3%B6">x</a>', '<a href="/föö">x</a>'),
    ('<table><tr><td>1</td></tr></table>', '<table><tbody><tr><td>1</td></tr></tbody></table>'),
])
def test_the_normaliser_ignores_cosmetics(a: str, b: str) -> None:
    assert cm.canonical(a) == cm.canonical(b)


@pytest.mark.parametrize(('a', 'b'), [
    ('<ul><li>a</li></ul>', '<ul><li><p>a</p></li></ul>'),  # tight vs loose
    ('<p><em>a</em> b</p>', '<p><em>a</em>b</p>'),
    ('<pre><code class="language-ruby">x</code></pre>', '<pre><code>x</code></pre>'),
    ('<pre><code>a\tb</code></pre>', '<pre><code>a   b</code></pre>'),
    ('<h2>x</h2>', '<h1>x</h1>'),
    ('<p>a</p><p>b</p>', '<p>a b</p>'),
    ('<a href="/a" title="t">x</a>', '<a href="/a">x</a>'),
    ('<p>\u00a0</p>', '<p> </p>'),
])
def test_the_normaliser_sees_structure(a: str, b: str) -> None:
    assert cm.canonical(a) != cm.canonical(b)
