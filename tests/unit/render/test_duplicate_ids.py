"""An id written twice in one file (MB307), and a heading's own id giving way to the author's."""

from __future__ import annotations

from lxml import etree

from makebook.render import render_book
from makebook.source import read_manuscript
from tests.tools import NS


def test_a_heading_s_generated_id_gives_way_to_the_author_s_anchor(write_book) -> None:
    """The Spanish Rust book keeps its unaccented links with an anchor above each heading:
    Python-Markdown slugs 'Instalación' to the same name; the anchor is the author's."""
    book = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\nauthor: A\nlang: es\n---\n<a id="instalacion"></a>\n\n## Instalación\n\n'
                 'Texto; véase [arriba](#instalacion).\n'})))
    # No MB307 (nothing is ambiguous), no MB300: the '##' after the anchor titles the file's chapter.
    assert [d.code for d in book.diagnostics] == []
    assert book.chapters[0].title == 'Instalación'
    tree = etree.fromstring(book.chapters[0].body)
    assert tree.find('.//x:h1', NS).get('id') == 'instalacion-1'
    assert [a.get('href') for a in tree.iterfind('.//x:p/x:a[@href]', NS)] == ['#instalacion']


def test_an_id_the_author_wrote_twice_is_still_reported(write_book) -> None:
    book = render_book(read_manuscript(write_book({
        '01.md': '---\ntitle: T\nauthor: A\n---\n# Uno {#x}\n\n## Dos {#x}\n\nTexto.\n'})))
    assert [(d.code, d.line) for d in book.diagnostics if d.code == 'MB307'] == [('MB307', 5)]


def test_the_ids_a_file_gives_are_read_once_as_each_heading_looked_for_its_own() -> None:
    """The ids of '{... #id ...}' are read once from the file (each duplicated heading looked
    for its own in the whole file: 4,000 headings given twice took 2.7 CPU s, quadratic):
    2,000 random texts of braces, hashes, spaces and lines give what the search gave."""
    import random
    import re

    from makebook.render.repairs import _ids_given

    pieces = ['{', '}', '#', 'a', 'b', ' ', '\n', '#a', '{#a}', '.c', '=', 'x#y', '\t', 'é', '}}', '{{']
    rng = random.Random(3)
    for _ in range(2000):
        text = ''.join(rng.choice(pieces) for _ in range(rng.randint(1, 20)))
        given = _ids_given(text)
        for name in ('a', 'b', 'x', 'y', 'x#y', 'a#a', '#a', 'ab', 'é', 'c', 'a.c', '{a'):
            searched = re.search(r'\{[^}\n]*#' + re.escape(name) + r'(?=[\s}])', text) is not None
            assert (name in given) == searched, (text, name)


def test_headings_given_the_same_id_twice_each_are_reported_at_their_lines(write_book) -> None:
    headings = '\n\n'.join(f'## A {{#a{i}}}\n\n## B {{#a{i}}}\n\n## C' for i in range(300))
    head = '---\ntitle: T\nauthor: A\n---\n# T\n\n'
    book = render_book(read_manuscript(write_book({'01.md': head + headings})))
    reported = [(d.code, d.line) for d in book.diagnostics if d.code == 'MB307']
    assert reported[:3] == [('MB307', 7), ('MB307', 13), ('MB307', 19)] and len(reported) == 300
    tree = etree.fromstring(book.chapters[0].body)
    assert [h.get('id') for h in tree.iterfind('.//x:h2', NS)][:6] == ['a0', 'a0-2', 'c', 'a1', 'a1-2', 'c_1']
