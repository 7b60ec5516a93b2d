"""The PDF's copy of an SVG with text names the book's faces, whatever font the SVG names."""

from __future__ import annotations

from lxml import etree

from makebook.pdf.svgfonts import svg_for_print

FAMILIES = "'Source Serif Pro', 'Frank Ruhl Libre', 'Amiri', 'Noto Serif'"
SVG = '{http://www.w3.org/2000/svg}'


def test_every_font_an_svg_names_becomes_the_books() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><style>text { font-family: Courier; }</style>'
           b'<text font-family="Times,serif">a</text><text style="font-size:3px;font-family:Arial">b</text>'
           b'<g><text>c</text></g></svg>')
    root = etree.fromstring(svg_for_print(svg, FAMILIES))
    listed = "'Source Serif Pro','Frank Ruhl Libre','Amiri','Noto Serif'"  # WeasyPrint strips no spaces
    assert root.get('font-family') == listed  # inherited by text that names no font
    texts = list(root.iter(f'{SVG}text'))
    assert texts[0].get('font-family') == listed
    assert texts[1].get('style') == f'font-size:3px;font-family: {listed}'
    assert root.find(f'{SVG}style').text == f'text {{ font-family: {listed}; }}'


def test_an_svg_without_text_is_left_as_it_is() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" font-family="Times"><rect width="2" height="2"/></svg>'
    assert svg_for_print(svg, FAMILIES) is svg
