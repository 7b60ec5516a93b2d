"""MathML to SVG for the PDF: WeasyPrint cannot lay out MathML.

Each ``<math>`` becomes an ``<img>`` whose source is an SVG drawn by ziamath
from the TeX kept in ``alttext``, and whose alt text is that TeX. The SVG is
a ``data:`` URL, so the PDF's URL fetcher needs no new file access.
"""

from __future__ import annotations

import base64

from lxml import etree
from ziamath.zmath import Latex  # where ziamath defines it (its __init__ has no __all__)

from makebook.model import MATHML_NS, XHTML_NS

# The body is 10.5pt (print.css); ziamath sizes in px at 96/in, as CSS does.
BODY_PX = 10.5 * 96 / 72


def math_to_svg(tree: etree._Element) -> None:
    """Replace every MathML element in ``tree`` by an SVG image of the same formula."""
    for math in list(tree.iter(f'{{{MATHML_NS}}}math')):
        tex = math.get('alttext') or ''
        display = math.get('display') == 'block'
        svg = Latex(tex, size=BODY_PX, inline=not display).svg()
        image = etree.Element(f'{{{XHTML_NS}}}img')
        image.set('src', 'data:image/svg+xml;base64,' + base64.b64encode(svg.encode()).decode())
        image.set('alt', tex)
        image.set('class', 'math display' if display else 'math inline')
        image.tail = math.tail
        parent = math.getparent()
        assert parent is not None  # inside a chapter's <section>, never the tree's root
        parent.replace(math, image)
