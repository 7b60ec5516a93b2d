"""TeX formulas (``<span class="math">`` from extensions/math.py) to MathML.

MathML is what EPUB 3 and browsers read; the TeX stays on the ``<math>`` as
``alttext`` for readers that cannot show it, and is what the PDF writer
renders to SVG (:mod:`makebook.pdf.mathsvg`). latex2mathml accepts almost
anything, so a formula is checked here first: a malformed one is a warning
and its source is shown as code instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from latex2mathml.converter import convert
from lxml import etree

from makebook.model import MATHML_NS, XHTML_NS

# How many children each MathML layout element must have.
_ARITY = {'mfrac': 2, 'msup': 2, 'msub': 2, 'msubsup': 3, 'mroot': 2, 'munder': 2, 'mover': 2,
          'munderover': 3}


def tex_problem(tex: str) -> str | None:
    """Why ``tex`` is not a formula make-book can set, or None."""
    depth = 0
    for token in re.findall(r'\\.|[{}]', tex):
        depth += {'{': 1, '}': -1}.get(token, 0)
        if depth < 0:
            return "a '}' closes nothing"
    if depth:
        return "a '{' is never closed"
    begins = re.findall(r'\\begin\{(\w+\*?)\}', tex)
    ends = re.findall(r'\\end\{(\w+\*?)\}', tex)
    if begins != list(reversed(ends)) and sorted(begins) != sorted(ends):
        return r'\begin and \end do not match'
    try:
        markup = convert(tex)
    except Exception as exc:  # latex2mathml raises many kinds; all mean "not TeX it can set"
        return f'{type(exc).__name__}: {exc}'.rstrip(': ')
    tree = etree.fromstring(markup.encode())
    for node in tree.iter():
        name = etree.QName(node).localname
        text = node.text or ''
        if name in ('mi', 'mo') and text.startswith('\\') and len(text) > 1:
            return f'unknown command {text}'
        if name in _ARITY and len(node) != _ARITY[name]:
            return f'a command is missing an argument ({name})'
    return None


def convert_math(body: etree._Element, report: Callable[[str, str], None]) -> None:
    """Replace every math span in ``body`` by MathML, or by code with a warning."""
    for span in list(body.iter(f'{{{XHTML_NS}}}span')):
        classes = (span.get('class') or '').split()
        if 'math' not in classes:
            continue
        tex = span.text or ''
        display = 'display' in classes
        problem = tex_problem(tex)
        if problem is not None:
            report(f'malformed formula ({problem}); its TeX is shown as code: {tex}', tex)
            code = etree.Element(f'{{{XHTML_NS}}}code')
            code.set('class', 'math-error')
            code.text = tex
            replacement = code
        else:
            replacement = etree.fromstring(convert(tex, display='block' if display else 'inline')
                                           .encode())
            replacement.set('alttext', tex)
        replacement.tail = span.tail
        parent = span.getparent()
        assert parent is not None  # a <span> inside ``body``, never ``body`` itself
        parent.replace(span, replacement)


def has_math(tree: etree._Element) -> bool:
    return next(tree.iter(f'{{{MATHML_NS}}}math'), None) is not None
