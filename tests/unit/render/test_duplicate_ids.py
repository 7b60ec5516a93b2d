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
