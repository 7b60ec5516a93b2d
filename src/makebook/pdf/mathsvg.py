"""MathML to SVG for the PDF: WeasyPrint cannot lay out MathML.

Each ``<math>`` becomes an ``<img>`` whose source is an SVG drawn by ziamath
from that same MathML (already through the MathML allowlist in render, so the
PDF sets what the EPUB and the web edition show, and the TeX is never parsed a
second time), and whose alt text is the TeX. The SVG ziamath returns goes
through the SVG allowlist (:mod:`makebook.safety.generated`) before it is
embedded as a ``data:`` URL, so the PDF's URL fetcher needs no new file access.
A formula ziamath cannot draw is printed as its TeX, in code, with a warning.
"""

from __future__ import annotations

import base64
import warnings
import xml.etree.ElementTree as ET

from lxml import etree
from ziamath.zmath import Math  # where ziamath defines it (its __init__ has no __all__)

from makebook.model import MATHML_NS, XHTML_NS
from makebook.safety.generated import svg_from

# The body is 10.5pt (print.css); ziamath sizes in px at 96/in, as CSS does.
BODY_PX = 10.5 * 96 / 72


class MathWarning(UserWarning):
    """A formula the PDF prints as TeX (the PDF stage passes it on to the command line)."""


def math_to_svg(tree: etree._Element) -> None:
    """Replace every MathML element in ``tree`` by an SVG image of the same formula."""
    for math in list(tree.iter(f'{{{MATHML_NS}}}math')):
        tex = math.get('alttext') or ''
        display = math.get('display') == 'block'
        replacement = _image(math, tex, display)
        if math.get('id'):  # '{#eq-x}': the target of '@eq-x', and of its page number
            replacement.set('id', math.get('id', ''))
        replacement.tail = math.tail
        parent = math.getparent()
        assert parent is not None  # inside a chapter's <section>, never the tree's root
        parent.replace(math, replacement)


def _image(math: etree._Element, tex: str, display: bool) -> etree._Element:
    try:
        # An ElementTree element, not a string: ziamath unescapes a string before parsing it,
        # which would turn a '&lt;' in the formula's text back into markup.
        mathml = ET.fromstring(etree.tostring(math, with_tail=False))
        drawn = Math(mathml, size=BODY_PX).svg()
        svg = etree.tostring(svg_from(drawn).element)
    except Exception as exc:  # ziamath raises many kinds on MathML it cannot lay out
        warnings.warn(f'a formula could not be drawn for the PDF and is printed as its TeX '
                      f'({type(exc).__name__}): {tex[:80]}', MathWarning, stacklevel=2)
        code = etree.Element(f'{{{XHTML_NS}}}code')
        code.set('class', 'math-error')
        code.text = tex
        return code
    image = etree.Element(f'{{{XHTML_NS}}}img')
    image.set('src', 'data:image/svg+xml;base64,' + base64.b64encode(svg).decode())
    image.set('alt', tex)
    image.set('class', 'math display' if display else 'math inline')
    return image
