"""Markdown read as authors mean it: CommonMark's block structure, Python-Markdown's extras.

Each case goes through make-book's per-file conversion (render.convert) and is compared,
structure only, with tests/commonmark.py's normaliser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from makebook.model import SourceFile
from makebook.render.convert import Converted, convert_file
from tests.commonmark import canonical

COMMONMARK = MarkdownIt('commonmark')


def convert(text: str) -> Converted:
    return convert_file(SourceFile(path=Path('/book/ch.md'), name='ch.md', markdown=text, first_line=1,
                                   front_matter={}))


def structure(text: str) -> str:
    return canonical(convert(text).body).replace('\n', '')


# The ten misreadings of issue 12, written the way CommonMark (GitHub, mdBook) authors write.
AUTHOR_CASES = {
    '1 a list nested by 2 spaces': '- a\n  - b\n    - c\n- d\n',
    '1 an ordered list nested by 3 spaces': '1. one\n   1. sub\n   2. sub two\n2. two\n',
    "2 an item's second paragraph at 2 spaces": '- one\n\n  two\n- three\n',
    '3 a fence in a list item': '- build:\n\n  ```sh\n  make\n  ```\n- done\n',
    '3 a fence in a block quote': '> ```\n> # not a heading\n> ```\n',
    '4 a list right after a paragraph line': 'You need:\n- flour\n- eggs\n',
    '5 #1 at the start of a line': '#1 priority is safety.\n\n#hashtag\n',
    '6 --- under a one-line list item': '- item\n---\n',
    '6 --- under a one-line quote': '> quote\n---\n',
    '7 a fence indented 2 spaces': '  ```\n  code\n    more\n  ```\n',
    '7 a fence closed by a longer fence': '```\ncode\n`````\n',
    '8 two quotes separated by a blank line': '> a\n\n> b\n',
    '9 a backslash at the end of a line': 'line one\\\nline two\n',
    '9 a 1) list': '1) first\n2) second\n',
    '9 an empty item': '- a\n-\n- c\n',
    '9 a change of bullet': '- a\n- b\n* c\n',
    '10 a link title in parentheses': '[site](https://example.com (Example))\n',
}


@pytest.mark.parametrize('name', AUTHOR_CASES)
def test_the_author_cases_read_as_commonmark_reads_them(name: str) -> None:
    text = AUTHOR_CASES[name]
    assert structure(text) == canonical(COMMONMARK.render(text)).replace('\n', '')


@pytest.mark.parametrize('text', [
    '[foo][bar](/u)\n\n[foo]: /x\n',  # '[foo]' is followed by a label: no shortcut, even once linked
    '[foo][bar][baz]\n\n[baz]: /u\n[foo]: /x\n',
    '[foo] [bar](/u)\n\n[foo]: /x\n',
    '[foo]![bar](/u)\n\n[foo]: /x\n',
])
def test_a_shortcut_reference_is_never_followed_by_a_label(text: str) -> None:
    assert structure(text) == canonical(COMMONMARK.render(text)).replace('\n', '')


def test_a_figure_caption_keeps_the_markdown_of_its_description() -> None:
    body = convert('![A *very* nice map](map.png)\n').body
    ns = {'x': 'http://www.w3.org/1999/xhtml'}
    assert body.xpath('string(//x:img/@alt)', namespaces=ns) == 'A very nice map'
    assert body.xpath('string(//x:figcaption/x:em)', namespaces=ns) == 'very'
    assert ''.join(body.xpath('//x:figcaption//text()', namespaces=ns)) == 'A very nice map'


# A manuscript written for Python-Markdown (4-space nesting) and the same written the
# CommonMark way: the same book.
SAME_BOOK = [
    ('- a\n    - b\n        - c\n- d\n', '- a\n  - b\n    - c\n- d\n'),
    ('1. one\n\n    para\n\n        code\n\n2. two\n', '1. one\n\n   para\n\n       code\n\n2. two\n'),
    ('- item\n\n        code\n', '- item\n\n      code\n'),
    ('* item\n\n    > quote\n\n* item2\n', '* item\n\n  > quote\n\n* item2\n'),
    ('- item\n\n    ```python\n    x = 1\n    ```\n', '- item\n\n  ```python\n  x = 1\n  ```\n'),
    ('1. one\n    - sub\n2. two\n', '1. one\n   - sub\n2. two\n'),
    ('- a\n    - b\n\n            code\n', '- a\n  - b\n\n        code\n'),
    ('-\tone\n\t-\ttwo\n', '- one\n  - two\n'),
]


@pytest.mark.parametrize(('python_markdown', 'commonmark'), SAME_BOOK)
def test_a_python_markdown_manuscript_and_a_commonmark_one_make_the_same_book(
        python_markdown: str, commonmark: str) -> None:
    assert structure(python_markdown) == structure(commonmark)


@pytest.mark.parametrize(('text', 'expected'), [
    ('Term\n:   Definition\n\n    more of the definition\n',
     '<dl><dt>Term</dt><dd><p>Definition</p><p>more of the definition</p></dd></dl>'),
    ('Term\n:   Definition\n', '<dl><dt>Term</dt><dd>Definition</dd></dl>'),
    ('Term\n\n:   Definition\n', '<dl><dt>Term</dt><dd><p>Definition</p></dd></dl>'),
    ('Term 1\nTerm 2\n:   Def\n', '<dl><dt>Term 1</dt><dt>Term 2</dt><dd>Def</dd></dl>'),
    ('::: note\n- a\n- b\n:::\n', '<aside><ul><li>a</li><li>b</li></ul></aside>'),
    (':::: outer\n::: inner\ntext\n:::\n::::\n', '<div><div><p>text</p></div></div>'),
    ('::: {.wrap}\n| a | b |\n|---|---|\n| 1 | 2 |\n:::\n',
     '<div><table><thead><tr><th>a</th><th>b</th></tr></thead><tr><td>1</td><td>2</td></tr></table></div>'),
    ('<div markdown="1">\n*x*\n</div>\n', '<div><p><em>x</em></p></div>'),
    ('<div class="note">\n\n*x*\n\n</div>\n', '<div><p><em>x</em></p></div>'),
    ('# Title {#intro .unnumbered}\n', '<h1>Title</h1>'),
    ('A paragraph.\n{: .lead }\n', '<p>A paragraph.</p>'),
    ('| The Lamb\n|    little lamb\n', '<div>The Lamb<br></br>\u00a0\u00a0\u00a0little lamb</div>'),
    ('```{=html}\n<b>x</b>\n```\n', '<b>x</b>'),
    ('| a |\n|---|\n| 1 |\nTable: The caption\n',
     '<table><caption>The caption</caption><thead><tr><th>a</th></tr></thead><tr><td>1</td></tr></table>'),
    ('The HTML spec.\n\n*[HTML]: Hyper Text Markup Language\n',
     '<p>The <abbr title="Hyper Text Markup Language">HTML</abbr> spec.</p>'),
])
def test_python_markdown_and_pandoc_syntax_reads_as_before(text: str, expected: str) -> None:
    assert structure(text) == expected


def test_footnotes_keep_their_indented_paragraphs_and_lists() -> None:
    converted = convert('Text[^n].\n\n[^n]: Note:\n\n    - a\n    - b\n\n    More.\n')
    assert converted.notes is not None
    notes = canonical(converted.notes).replace('\n', '')
    assert '<p>Note:</p><ul><li>a</li><li>b</li></ul><p>More.' in notes


@pytest.mark.parametrize('tex', [
    '$$\nJ(\\theta)\n=\n\\mathbb{E}_t\n$$',
    '$$\n\\begin{aligned}\na &= b \\\\\n&= -c\n+ d\n\\end{aligned}\n$$',
    '$$\nx\n# y\n> z\n---\n$$',
])
def test_display_math_is_never_cut_by_a_line_that_looks_like_markdown(tex: str) -> None:
    body = convert(f'Before.\n\n{tex}\n\nAfter.\n').body
    ns = {'x': 'http://www.w3.org/1999/xhtml', 'm': 'http://www.w3.org/1998/Math/MathML'}
    assert len(body.xpath('//m:math', namespaces=ns)) == 1
    assert not body.xpath('//x:h1 | //x:h2 | //x:ul | //x:blockquote | //x:hr', namespaces=ns)
    # The TeX, the alt text of the formula (and its code if malformed), is the author's, line by line.
    assert body.xpath('string(//m:math/@alttext)', namespaces=ns) == tex.strip('$\n')


def test_code_is_kept_exactly_with_its_language() -> None:
    body = convert('```go\nfunc main() {\n\tx := 1\n\n\n}\n```\n').body
    ns = {'x': 'http://www.w3.org/1999/xhtml'}
    code = body.xpath('//x:pre/x:code', namespaces=ns)[0]
    assert code.get('class') == 'language-go'
    assert ''.join(code.itertext()) == 'func main() {\n\tx := 1\n\n\n}\n'


def test_container_markers_in_the_manuscript_are_only_text() -> None:
    assert structure('a \x02cm:ul:tight\x03 b\n\n\x02cm:end\x03\n') == '<p>a cm:ul:tight b</p><p>cm:end</p>'


def test_deep_nesting_is_text_past_the_limit_never_lost() -> None:
    converted = convert('> ' * 300 + 'deep\n')
    assert 'deep' in ''.join(converted.body.itertext())
    assert any(p.code == 'MB308' for p in converted.problems)


@pytest.mark.parametrize('text', [
    # The first element at the limit is a leaf (the numerator); the deep branch is its sibling.
    '$' + '\\frac{1}{' * 300 + 'deep' + '}' * 300 + '$\n',
    '$$' + '\\sqrt{1+' * 200 + 'deep' + '}' * 200 + '$$\n',
    '<div><p>a</p>' * 150 + 'deep' + '</div>' * 150 + '\n',
    '<div>\n\n' + '<section><span>a</span><div>' * 90 + 'deep' + '</div></section>' * 90 + '\n\n</div>\n',
])
def test_every_branch_past_the_depth_limit_is_flattened_not_only_the_first(text: str) -> None:
    converted = convert(text)
    depths = [len(list(element.iterancestors())) for element in converted.body.iter()]
    assert max(depths) <= 100
    assert 'deep' in ''.join(converted.body.itertext())
    assert [p.code for p in converted.problems if p.code == 'MB308'] == ['MB308']


@pytest.mark.parametrize(('text', 'code', 'line'), [
    ('# T\n\n```sh\nmake\n\nThe rest of the chapter.\n', 'MB320', 3),
    # The closing fence stands outside the item: the item's code ends with the item, and
    # the would-be closing fence opens code that runs to the end of the file.
    ('- item\n\n  ```\n  code\n```\n\nmore\n', 'MB320', [3, 5]),
    ('# T\n\n#Chapter Two\n\ntext\n', 'MB321', 3),
    ('# T\n\nfirst line\nsecond line\n---\n', 'MB322', 3),
    ('# T\n\nSteps:\n2. two\n3. three\n', 'MB323', 4),
    ('# T\n\n1. one\n  - sub\n2. two\n', 'MB324', 4),
    ('# T\n\n[a]: /x\n[A]: /y\n\n[a]\n', 'MB325', 4),
    ('# T\n\nSee ![A map](maps/big map.png).\n', 'MB326', 3),
    ('# T\n\n<div class="box">\n\n    <p>Some text</p>\n\n</div>\n', 'MB327', 5),
])
def test_what_commonmark_reads_otherwise_is_a_warning_at_its_line(text: str, code: str,
                                                                  line: int | list[int]) -> None:
    problems = [(p.code, p.line) for p in convert(text).problems]
    assert problems == [(code, n) for n in (line if isinstance(line, list) else [line])], problems


@pytest.mark.parametrize('text', [
    '#1 priority is safety.\n',  # a number after '#': text the author means
    'She was born in\n1950. Her brother in\n1952.\n',  # prose wrapped before a number
    'Steps:\n1. one\n2. two\n',  # a list: it starts at 1
    '- a\n  - b\n',  # nested
    '1. one\n   - sub\n',  # nested under '1. '
    '```\ncode\n```\n',
    'See [site](https://example.com (Example)).\n',
    '$$\nx\n#1 = 2\n$$\n',
    'An HTML example:\n\n    <p>shown as code</p>\n',  # code, meant as code
    '<div class="box">\n\n<p>Some text</p>\n\n</div>\n',
])
def test_what_reads_as_meant_is_no_warning(text: str) -> None:
    assert convert(text).problems == ()


def test_indented_code_keeps_a_first_line_that_looks_like_a_shebang() -> None:
    body = convert('Run:\n\n    #!/bin/sh\n    echo hi\n').body
    ns = {'x': 'http://www.w3.org/1999/xhtml'}
    assert body.xpath('string(//x:pre)', namespaces=ns) == '#!/bin/sh\necho hi\n'
    assert not body.xpath('//x:table', namespaces=ns)  # no line-number table either


@pytest.mark.parametrize(('info', 'language', 'classes'), [
    ('rust,ignore', 'rust', 'ignore highlight'),
    ('python {.numberLines startFrom="3"}', 'python', 'numberLines highlight'),
    ('{.python .numberLines}', 'python', 'numberLines highlight'),
    ('{python}', 'python', 'highlight'),
    ('ruby startline=3 $%@#$', 'ruby', 'highlight'),
    ('f&ouml;&ouml; bar', 'föö', 'bar highlight'),
])
def test_info_strings_as_pandoc_mdbook_and_commonmark_write_them(info: str, language: str,
                                                                  classes: str) -> None:
    body = convert(f'```{info}\nx\n```\n').body
    ns = {'x': 'http://www.w3.org/1999/xhtml'}
    assert body.xpath('string(//x:code/@class)', namespaces=ns) == f'language-{language}'
    assert body.xpath('string(//x:div/@class)', namespaces=ns) == classes


def test_a_paragraph_of_many_links_images_references_and_autolinks_reads_each() -> None:
    """Links and their kin are read all at once per paragraph (extensions/commonmark/inline.py:
    80,000 links in one paragraph took 77 CPU s, now 9; benchmarks/growth.py --shapes links).
    Each is read as it was one at a time: every kind, in order, nested text read on."""
    piece = ('[a *b*](https://e.org/{n}) ![i {n}](x.png) [r][lab] [lab] <https://a.org/{n}> '
             '[not a link] &amp; <span>s</span> ')
    text = '[lab]: https://ref.org/\n\n' + ''.join(piece.format(n=n) for n in range(500))
    converted = convert(text)
    body = converted.body
    x = '{http://www.w3.org/1999/xhtml}'
    links = [a.get('href') for a in body.iter(f'{x}a')]
    assert links == [h for n in range(500) for h in (f'https://e.org/{n}', 'https://ref.org/', 'https://ref.org/',
                                                        f'https://a.org/{n}')]
    assert [em.text for em in body.iter(f'{x}em')] == ['b'] * 500
    assert [img.get('alt') for img in body.iter(f'{x}img')] == [f'i {n}' for n in range(500)]
    assert ''.join(body.itertext()).count('[not a link] & s') == 500


@pytest.mark.parametrize('shape', ['[[x]](y) ', '[a [b] c](d) ', '![[x]](y.png) ', '[(x)](y) ',
                                   '[[x](y)](z) '])
def test_a_paragraph_of_links_whose_text_holds_brackets_is_paired_once_not_per_link(
        monkeypatch, shape: str) -> None:
    """Each link's text is read in between (its '[x]'); with one table kept, the whole paragraph
    was paired again after each link (quadratic: 4,000 '[[x]](y)' took 29 CPU s)."""
    from makebook.extensions.commonmark import inline

    long_texts = []
    pair = inline.Pairs._pair

    def counted(self: inline.Pairs, text: str) -> dict[int, int]:
        if len(text) > 1000:
            long_texts.append(len(text))
        return pair(self, text)

    monkeypatch.setattr(inline.Pairs, '_pair', counted)
    body = convert(shape * 300 + '\n').body
    assert len(long_texts) <= 4, len(long_texts)
    assert len(body.xpath('//x:a | //x:img', namespaces={'x': 'http://www.w3.org/1999/xhtml'})) >= 300


@pytest.mark.parametrize('shape', ['a -- b ', 'a --- b ', 'a ... b ', 'a \\* b ', 'a\\\\\n', 'a  \n',
                                   'a\\\nb ', '"\'a '])
def test_dashes_ellipses_escapes_breaks_and_quotes_of_a_paragraph_are_read_at_once(monkeypatch,
                                                                                   shape: str) -> None:
    """Python-Markdown rebuilt the paragraph after each one (quadratic: 20,000 '--' in a
    paragraph took 32 CPU s, 10,000 escaped backslashes 30 s, 10,000 '"\\'a' 6.3 s); the same
    text comes out."""
    from markdown.treeprocessors import InlineProcessor

    calls = []
    one_at_a_time = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def counted(self: InlineProcessor, *args: object, **kwargs: object) -> object:
        calls.append(1)
        return one_at_a_time(self, *args, **kwargs)

    monkeypatch.setattr(InlineProcessor, '_InlineProcessor__applyPattern', counted)
    body = convert(shape * 300 + 'end\n').body
    assert len(calls) < 100, len(calls)
    assert ''.join(body.itertext()).count('a') == 300


@pytest.mark.parametrize('shape', ['x <!-- a ', 'x <? a ', 'x <![CDATA[ a ', '<! <? </ <![CDATA[ a '])
def test_raw_html_that_never_ends_is_not_read_to_the_end_from_each_start(monkeypatch, shape: str) -> None:
    """Each unclosed '<!--' (or '<?', '<![CDATA[') was read to the end of the paragraph
    (quadratic: 10,000 took 32 CPU s); where nothing closes it, no match is tried."""
    from makebook.extensions.commonmark import inline

    tried = []
    start = inline._RawHtmlSearch.__init__

    class Counting:
        def __init__(self, regex: re.Pattern[str]) -> None:
            self.regex = regex

        def match(self, data: str, position: int) -> re.Match[str] | None:
            tried.append(position)
            return self.regex.match(data, position)

    def counting(self: inline._RawHtmlSearch, regex: re.Pattern[str], data: str) -> None:
        start(self, Counting(regex), data)  # type: ignore[arg-type]

    monkeypatch.setattr(inline._RawHtmlSearch, '__init__', counting)
    body = convert(shape * 300 + 'end\n').body
    assert len(tried) < 10, len(tried)
    assert ''.join(body.itertext()).count('a') >= 1


def _quotes_one_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """smarty's quote patterns applied as Python-Markdown applies them: one match, then the
    paragraph rebuilt and searched again from after it."""
    from markdown.treeprocessors import InlineProcessor

    from makebook.extensions.commonmark.inline import LinearInline

    at_once = LinearInline._InlineProcessor__applyPattern  # type: ignore[attr-defined]
    one_at_a_time = InlineProcessor._InlineProcessor__applyPattern  # type: ignore[attr-defined]

    def apply(self: LinearInline, pattern: object, *args: object) -> object:
        if getattr(pattern, 'makebook_after_own', False):
            return one_at_a_time(self, pattern, *args)
        return at_once(self, pattern, *args)

    monkeypatch.setattr(LinearInline, '_InlineProcessor__applyPattern', apply)


def test_quotes_of_a_paragraph_read_at_once_come_out_as_one_at_a_time(monkeypatch) -> None:
    """Each of smarty's quote patterns looks one character back, and saw the placeholder of the
    quote it had just replaced: 3,000 random texts of quotes beside letters, digits, dashes,
    spaces, entities and punctuation give the same XHTML both ways."""
    import random

    from lxml import etree

    pieces = ['"', "'", '"', "'", 'a', 's', '80', ' ', '  ', '--', '&nbsp;', '&mdash;', '.', ',', '(', '[',
              '-', '*', '!', '\n', "'s ", '"\'', '\'"', '``', 'é', '1']
    rng = random.Random(13)
    texts = [''.join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) + ' end' for _ in range(3000)]
    texts += ['"\'a' * 50, "'80s " * 20, '"\'Quoted\' words," he said. ' * 10, "'\"'\"" * 30]
    at_once = [etree.tostring(convert(text).body) for text in texts]
    with monkeypatch.context() as patched:
        _quotes_one_at_a_time(patched)
        for text, expected in zip(texts, at_once, strict=True):
            assert etree.tostring(convert(text).body) == expected, repr(text)


def test_note_references_never_closed_are_read_once_and_kept_as_text() -> None:
    """A note reference's label holds no '[' (as in pandoc): an unclosed '[^' is read up to the
    next '[' only, not to the paragraph's end for each (10,000 took 2.7 CPU s, quadratic). The
    text is kept, and a reference after the unclosed ones, or inside one, still works."""
    converted = convert('[^x ' * 2000 + 'and[^n] [^a[^n] end\n\n[^n]: The note.\n')
    text = ''.join(converted.body.itertext())
    assert text.count('[^x') == 2000 and '[^a' in text
    calls = converted.body.xpath('//x:a[contains(@href, "fn-n")]', namespaces={'x': 'http://www.w3.org/1999/xhtml'})
    assert len(calls) == 2


def test_the_triggers_of_a_text_are_looked_for_once_not_after_each_match(monkeypatch) -> None:
    """A match only puts a placeholder in its text, which holds no trigger: the patterns worth
    searching are worked out once per text. After each match they read the whole paragraph
    again ('[*' x 5,000, one paragraph of 5,000 emphasis and spans: 3.2 of 4 CPU s). The
    characters read are counted (not timed), and the text comes out as when every pattern is
    searched in every text."""
    from lxml import etree

    from makebook.extensions.commonmark import inline

    text = '[*' * 600 + 'x' + '*]{.a}' * 600 + ' and `code` $a$ <b>b</b> &amp; ~~s~~ "q" -- ...\n'
    read = 0
    worth = inline.PatternPlan.worth_searching

    def counted(self: inline.PatternPlan, data: str) -> tuple[int, ...]:
        nonlocal read
        read += len(data)
        return worth(self, data)

    with monkeypatch.context() as patched:
        patched.setattr(inline.PatternPlan, 'worth_searching', counted)
        converted = convert(text)
    body = etree.tostring(converted.body)
    assert read < 3 * len(text), read
    # (one word of 1,200 elements: printed plain, MB336, its text kept; the last '[*x*]{.a}' a span)
    assert body.count(b'[') == 599 and body.count(b']') == 599 and b'<code>code</code>' in body
    assert [problem.code for problem in converted.problems] == ['MB336']
    with monkeypatch.context() as patched:
        patched.setattr(inline, 'TRIGGERS', {})  # every pattern searched in every text
        assert etree.tostring(convert(text).body) == body


def test_a_paragraph_asked_about_again_is_not_compared_again() -> None:
    """Pairs (the brackets of a text, paired once): the text of each image ('[x]') is asked
    about between two questions about its paragraph; the paragraph's table remembers how it
    relates to the paragraph, so the paragraph is not compared with it once per image
    ('![[x]](u) ' x 40,000: 9 s, quadratic). The answers are the scan's."""
    from makebook.extensions.commonmark.inline import Pairs

    paragraph = '![[x]](u) ' * 200
    pairs = Pairs()
    compared = []

    class Counted(str):
        def __getitem__(self, key):  # type: ignore[no-untyped-def, override]
            got = str.__getitem__(self, key)
            if isinstance(key, slice) and len(got) > 100:  # a long stretch copied to compare
                compared.append(key)
            return got

    def scanned(text: str, opening: int) -> int:  # Python-Markdown's scan, for the answer
        depth = 0
        for index in range(opening, len(text)):
            depth += {'[': 1, ']': -1}.get(text[index], 0)
            if depth == 0:
                return index
        return -1

    text = Counted(paragraph)
    for opening in range(1, len(paragraph), 10):  # each image's '[' of its text
        assert pairs.closing(text, opening) == scanned(paragraph, opening) == opening + 4
        assert pairs.closing('[x]', 0) == 2
    assert len(compared) <= 2
