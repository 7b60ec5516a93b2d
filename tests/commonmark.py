"""The CommonMark specification's examples, make-book's conversion of them, and how HTML is compared.

Shared by ``tests/unit/render/test_commonmark_spec.py`` (the spec as an outside test
suite) and ``benchmarks/commonmark_spec.py`` (the pass count per section beside plain
Python-Markdown's).

Examples are read from ``tests/data/commonmark/spec-0.31.2.txt`` exactly as the spec's
own ``test/spec_tests.py`` reads them: a line of 32 backticks and ``example`` opens one,
a line ``.`` separates the Markdown from the expected HTML, ``→`` stands for a tab, and
the section is the last ATX heading seen outside an example (652 examples).

How two HTML fragments are compared (``canonical``): structure, not cosmetics.

Parsing
  1. Strings are parsed with lxml.html as ``<html><body>FRAGMENT</body></html>``, as
     make-book's ``render.convert.to_xhtml`` reads Markdown's output, so both sides get the
     same error recovery for malformed raw HTML. An lxml element (make-book's XHTML
     ``<body>``) is walked as it is, namespaces dropped.
  2. Entities and character references are decoded (``&quot;`` = ``&#34;`` = ``"``);
     ``<br>`` and ``<br />`` are the same element.

Elements and attributes
  3. Tags are compared lower-case, with their nesting and order.
  4. Only ``href``, ``src``, ``alt``, ``title`` and ``start`` (on ``ol``, as the integer HTML
     reads: ``003`` is 3, ``1`` is no start) are compared. Ids (make-book names headings),
     classes (Pygments, make-book's own), ``rel`` and the like are not.
  5. ``href``/``src`` are compared percent-decoded (``/f%C3%B6%C3%B6`` = ``/föö``: browsers
     read both alike); attribute values have their whitespace collapsed.
  6. The code language is compared: the first ``language-X`` class on a ``<code>``, its
     ``<pre>`` or a highlight wrapper ``<div>`` is the ``pre``'s language
     (``language-text`` is none: Pygments' name for no language).

Code blocks
  7. A Pygments wrapper ``<div class="highlight">`` around one ``<pre>`` is unwrapped.
  8. Inside ``<pre>`` only the text counts (Pygments' spans and the ``<code>`` element are
     flattened); it is compared exactly (tabs included), but for trailing newlines and
     one newline right after ``<pre>`` (HTML parsers drop it).
  8b. ``<tbody>`` directly in a ``<table>`` is transparent (HTML5 parsers insert it).

Text
  9. Outside ``<pre>``, runs of ASCII whitespace are one space; U+00A0 is not whitespace.
     Whitespace at the start and end of a block's content, around block children and
     around ``<br>`` is removed (as the spec's own ``test/normalize.py`` does); between
     inline elements it is kept as one space.
 10. Smart punctuation (make-book turns it on) is folded on both sides: ‘ ’ → ', “ ” → ",
     – → --, — → ---, … → ... .
 11. Comments and processing instructions are compared as nodes with their text.

make-book's deliberate forms
 12. A ``<figure>`` holding one ``<img>`` (and a ``<figcaption>``), pandoc's implicit
     figure, is compared as ``<p><img/></p>``: the caption is ignored, the alt compared.
 13. Policy-neutral comparison (``sanitise_expected=True``): the expected HTML first goes
     through make-book's raw-HTML allowlist (``safety.sanitize``), so that removing
     ``<script>``, comments or a ``made-up-scheme:`` link, a policy that README
     documents, does not count as a misreading.

Tight and loose lists (``<li>foo</li>`` vs ``<li><p>foo</p></li>``), paragraph splits and
heading levels are structure, and are compared.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import markdown
from lxml import etree, html

from makebook.model import SourceFile
from makebook.render.convert import convert_file
from makebook.render.typography import Typography, typeset_tree
from makebook.safety.sanitize import sanitize

SPEC = Path(__file__).resolve().parent / 'data' / 'commonmark' / 'spec-0.31.2.txt'
EXPECTED_FAILURES = SPEC.with_name('expected-failures.txt')
# The sections the issue holds to 95 %: the block structure of a book.
FOCUS = ('Lists', 'List items', 'Fenced code blocks', 'Block quotes', 'ATX headings',
         'Setext headings', 'Paragraphs', 'Thematic breaks')


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str
    line: int  # of the opening fence in the spec


@cache
def examples() -> tuple[Example, ...]:
    """Every example of the spec, read as its own test/spec_tests.py reads them."""
    fence = '`' * 32
    found: list[Example] = []
    markdown_lines: list[str] = []
    html_lines: list[str] = []
    state, section, start = 0, '', 0  # state: 0 prose, 1 Markdown, 2 expected HTML
    for number, line in enumerate(SPEC.read_text(encoding='utf-8').splitlines(keepends=True), 1):
        stripped = line.strip()
        if stripped == fence + ' example':
            state, start = 1, number
        elif state == 2 and stripped == fence:
            found.append(Example(len(found) + 1, section, ''.join(markdown_lines).replace('→', '\t'),
                                 ''.join(html_lines).replace('→', '\t'), start))
            state, markdown_lines, html_lines = 0, [], []
        elif state == 1 and stripped == '.':
            state = 2
        elif state == 1:
            markdown_lines.append(line)
        elif state == 2:
            html_lines.append(line)
        elif re.match('#+ ', line):
            section = re.sub('#+ ', '', line, count=1).strip()
    return tuple(found)


def sections() -> list[str]:
    return list(dict.fromkeys(e.section for e in examples()))


def expected_failures() -> dict[int, str]:
    """The reviewed list: example number -> why make-book reads it differently."""
    failures: dict[int, str] = {}
    if not EXPECTED_FAILURES.is_file():
        return failures
    for line in EXPECTED_FAILURES.read_text(encoding='utf-8').splitlines():
        if line.strip() and not line.startswith('#'):
            number, _, reason = line.partition(' ')
            failures[int(number)] = reason.strip()
    return failures


# ---------------------------------------------------------------- conversions

def makebook(text: str) -> etree._Element:
    """make-book's per-file conversion, exactly as a build runs it: the XHTML <body>, its
    quotes set as an English book's (assemble does that first thing: render/typography.py)."""
    source = SourceFile(path=Path('/commonmark/example.md'), name='example.md', markdown=text,
                        first_line=1, front_matter={})
    body = convert_file(source).body
    typeset_tree(body, Typography())
    return body


def python_markdown(text: str) -> str:
    """Plain Python-Markdown, no extension: the baseline the benchmark prints."""
    return markdown.markdown(text)


def _sanitised(markup: str) -> str:
    source = SourceFile(path=Path('/commonmark/expected.md'), name='expected.md', markdown='',
                        first_line=1, front_matter={})
    return sanitize(markup, source, [])


def passes(example: Example, convert: Callable[[str], str | etree._Element] = makebook,
           sanitise_expected: bool = True) -> bool:
    return compare(example, convert, sanitise_expected)[0]


def compare(example: Example, convert: Callable[[str], str | etree._Element] = makebook,
            sanitise_expected: bool = True) -> tuple[bool, str, str]:
    """(equal, canonical expected, canonical actual) for one example."""
    # The final newline goes first: after an unclosed <a> an HTML5 parser would wrap it in a
    # second, empty link of its own.
    expected = _sanitised(example.html.rstrip('\n')) if sanitise_expected else example.html
    want, got = canonical(expected), canonical(convert(example.markdown))
    return want == got, want, got


# ---------------------------------------------------------------- the normaliser

SIGNIFICANT_ATTRIBUTES = ('href', 'src', 'alt', 'title', 'start')
BLOCK_TAGS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'details', 'dialog',
    'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3',
    'h4', 'h5', 'h6', 'head', 'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu',
    'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th',
    'thead', 'tr', 'ul', 'colgroup', 'col', 'option', 'optgroup', 'title', 'style', 'script',
    'textarea', 'iframe', 'frame', 'frameset', 'noframes', 'base', 'basefont', 'center', 'link',
    'meta', 'param', 'search', 'source', 'track', 'root', 'math',
})
HIGHLIGHT_WRAPPERS = frozenset({'highlight', 'codehilite', 'highlighttable'})
_WHITESPACE = re.compile(r'[ \t\n\r\f]+')
_TYPOGRAPHY = str.maketrans({'‘': "'", '’': "'", '“': '"', '”': '"', '–': '--', '—': '---',
                             '…': '...'})


@dataclass
class Node:
    tag: str
    attrs: list[tuple[str, str]]
    children: list[Node | str]

    def render(self) -> str:
        if self.tag.startswith('#'):
            return f'<!{self.tag[1:]} {self.children[0]}>'
        attrs = ''.join(f' {k}="{_escape(v)}"' for k, v in self.attrs)
        inner = ''.join(c.render() if isinstance(c, Node) else _escape(c) for c in self.children)
        end = '\n' if self.tag in BLOCK_TAGS and self.tag != 'pre' else ''
        return f'<{self.tag}{attrs}>{inner}</{self.tag}>{end}'


def canonical(markup: str | etree._Element) -> str:
    """The canonical form of a fragment (a string) or of an element's content."""
    root = _parse(markup) if isinstance(markup, str) else markup
    node = _node(root)
    assert node is not None
    return ''.join(c.render() if isinstance(c, Node) else _escape(c) for c in node.children).strip()


def _parse(markup: str) -> etree._Element:
    document = html.document_fromstring(f'<html><body>{markup}</body></html>')
    root = etree.Element('root')
    for part in ('head', 'body'):
        container = document.find(part)
        if container is None:
            continue
        if part == 'body' and container.text:
            if len(root):
                root[-1].tail = (root[-1].tail or '') + container.text
            else:
                root.text = (root.text or '') + container.text
        for child in list(container):
            root.append(child)
    return root


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ''
    return etree.QName(tag).localname.lower() if tag.startswith('{') else tag.lower()


def _classes(element: etree._Element | None) -> list[str]:
    return [] if element is None else (element.get('class') or '').split()


def _escape(text: str) -> str:
    return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')


def _text(text: str | None) -> str:
    return _WHITESPACE.sub(' ', text or '').translate(_TYPOGRAPHY)


def _attrs(element: etree._Element, tag: str) -> list[tuple[str, str]]:
    found = []
    for name in SIGNIFICANT_ATTRIBUTES:
        value = element.get(name)
        if value is None:
            continue
        if name == 'start':
            if tag != 'ol':
                continue
            with contextlib.suppress(ValueError):
                value = str(int(value.strip()))
            if value == '1':
                continue
        if name in ('href', 'src'):
            value = unquote(value)
        found.append((name, _text(value) if name == 'title' else _text(value).strip()))
    return found


def _language(*elements: etree._Element | None) -> str | None:
    for element in elements:
        for name in _classes(element):
            if name.startswith('language-') and len(name) > 9:
                return None if name == 'language-text' else name[9:]
    return None


def _pre(pre: etree._Element, wrapper: etree._Element | None = None) -> Node:
    code = next((c for c in pre if _local(c.tag) == 'code'), None)
    language = _language(code, pre, wrapper)
    text = ''.join(pre.itertext())
    if text.startswith('\n'):  # HTML drops a newline right after <pre>; libxml2 does not
        text = text[1:]
    text = text.rstrip('\n')
    return Node('pre', [('lang', language)] if language else [], [text] if text else [])


def _elements(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _node(element: etree._Element) -> Node | None:
    if element.tag is etree.Comment:
        return Node('#comment', [], [_text(element.text).strip()])
    if element.tag is etree.ProcessingInstruction:
        return Node('#pi', [], [_text(element.text).strip()])
    if not isinstance(element.tag, str):
        return None
    tag = _local(element.tag)
    kids = _elements(element)
    if (tag == 'div' and HIGHLIGHT_WRAPPERS & set(_classes(element)) and len(kids) == 1
            and _local(kids[0].tag) == 'pre' and not (element.text or '').strip()
            and not (kids[0].tail or '').strip()):
        return _pre(kids[0], element)
    if tag == 'pre':
        return _pre(element)
    images = [c for c in kids if _local(c.tag) == 'img']
    if (tag == 'figure' and len(images) == 1 and not (element.text or '').strip()
            and all(_local(c.tag) in ('img', 'figcaption') for c in kids)):
        return Node('p', [], [Node('img', _attrs(images[0], 'img'), [])])
    children: list[Node | str] = [element.text] if element.text else []
    for child in element:
        grandchildren = list(child) if _local(child.tag) == 'tbody' and tag == 'table' else None
        if grandchildren is not None:  # an implied <tbody> is transparent
            if child.text:
                children.append(child.text)
            for grandchild in grandchildren:
                node = _node(grandchild)
                if node is not None:
                    children.append(node)
                if grandchild.tail:
                    children.append(grandchild.tail)
        else:
            node = _node(child)
            if node is not None:
                children.append(node)
        if child.tail:
            children.append(child.tail)
    return Node(tag, _attrs(element, tag), _clean(children, tag in BLOCK_TAGS))


def _is_boundary(neighbour: Node | str | None, edge: bool) -> bool:
    if neighbour is None:
        return edge
    return isinstance(neighbour, Node) and (neighbour.tag in BLOCK_TAGS or neighbour.tag == 'br'
                                            or neighbour.tag.startswith('#'))


def _clean(children: list[Node | str], block: bool) -> list[Node | str]:
    merged: list[Node | str] = []
    for child in children:
        if isinstance(child, str) and merged and isinstance(merged[-1], str):
            merged[-1] += child
        else:
            merged.append(child)
    out: list[Node | str] = []
    for index, child in enumerate(merged):
        if isinstance(child, Node):
            out.append(child)
            continue
        text = _text(child)
        if _is_boundary(merged[index - 1] if index else None, block):
            text = text.lstrip(' ')
        if _is_boundary(merged[index + 1] if index + 1 < len(merged) else None, block):
            text = text.rstrip(' ')
        if text:
            out.append(text)
    return out


def per_section(results: dict[int, bool]) -> Iterator[tuple[str, int, int]]:
    """(section, passed, examples) in the spec's order."""
    for section in sections():
        numbers = [e.number for e in examples() if e.section == section]
        yield section, sum(results[n] for n in numbers), len(numbers)
