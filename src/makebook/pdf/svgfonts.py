"""The text of SVG images, set in the book's faces in the PDF.

Diagrams drawn by Graphviz, Inkscape or Illustrator name their own fonts
(``font-family="Times,serif"``), which WeasyPrint takes from the system: the
PDF would embed a font that is not the book's (and another machine would draw
it differently), and the font check would refuse it after a whole layout,
naming no image. So the PDF's copy of an SVG that has text names the book's
faces instead, fallbacks included, and checks/glyphs.py has checked, before
layout, that they have every character of that text (reported at the image's
file and line). The EPUB and web edition keep the SVG as drawn: readers and
browsers set its text in their own fonts.
"""

from __future__ import annotations

import re

from lxml import etree

from makebook.safety.xmlchars import safe_xml_parser

_SVG = '{http://www.w3.org/2000/svg}'
_FAMILY_IN_CSS = re.compile(r'font-family\s*:\s*[^;}"]+')


def svg_for_print(svg: bytes, families: str) -> bytes:
    """``svg`` with every font it names replaced by ``families`` (a CSS font-family list)."""
    families = ','.join(name.strip() for name in families.split(','))  # WeasyPrint strips no spaces
    try:
        root = etree.fromstring(svg, safe_xml_parser())
    except etree.XMLSyntaxError:
        return svg  # checked when the image was read (safety/resources.py); left as it is
    if next(root.iter(f'{_SVG}text'), None) is None:
        return svg
    root.set('font-family', families)  # text that names no font inherits the book's
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get('font-family') is not None:
            element.set('font-family', families)
        style = element.get('style')
        if style and 'font-family' in style:
            element.set('style', _FAMILY_IN_CSS.sub(f'font-family: {families}', style))
        if element.tag == f'{_SVG}style' and element.text and 'font-family' in element.text:
            element.text = _FAMILY_IN_CSS.sub(f'font-family: {families}', element.text)
    return etree.tostring(root, xml_declaration=True, encoding='utf-8')
