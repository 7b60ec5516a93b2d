"""Cross-references, once the whole book is known.

* Figures with a ``fig-`` id (the Quarto convention) are numbered in book
  order: their caption starts "Figure N.", and ``@fig-x`` reads "figure N".
  Tables with a ``tbl-`` id and a caption likewise ("Table N.", "table N"), and
  display formulas with an ``eq-`` id get "(N)" beside them ("equation N").
* ``@sec-x`` reads as the heading's title; a link with no text reads as its
  target's title.

The text written here serves the EPUB and the web edition. The PDF hides it
and asks the layout instead ("figure N", "page N", with ``target-counter``:
see the cross-reference block at the end of styles/print.css), which is why
each link gets a class naming its kind.
"""

from __future__ import annotations

import re

from lxml import etree

from makebook.model import MATHML_NS, XHTML_NS, Labels
from makebook.xhtml import plain_text

HEADINGS = {f'{{{XHTML_NS}}}h{n}' for n in range(1, 7)}


def _number_caption(node: etree._Element, caption: etree._Element, label_class: str, label_text: str) -> None:
    """Start ``caption`` with its label ("Figure 3."), marking ``node`` as numbered."""
    node.set('class', ((node.get('class') or '') + ' numbered').strip())
    label = etree.Element(f'{{{XHTML_NS}}}span')
    label.set('class', label_class)
    label.text = label_text
    label.tail = ' ' + (caption.text or '')
    caption.text = None
    caption.insert(0, label)


_ADDRESS = re.compile(r'^(?:https?://|mailto:)', re.IGNORECASE)


def fill_cross_references(sections: list[etree._Element], labels: Labels) -> None:
    found: dict[str, tuple[str, str]] = {}  # id -> (kind, label)
    figures = tables = equations = 0
    for section in sections:
        for node in section.iter():
            node_id = node.get('id') if isinstance(node.tag, str) else None
            if not node_id:
                continue
            table_caption = node.find(f'{{{XHTML_NS}}}caption') if node.tag == f'{{{XHTML_NS}}}table' \
                else None
            if table_caption is not None and node_id.startswith('tbl-'):
                tables += 1
                _number_caption(node, table_caption, 'table-label', labels('table-caption', n=tables))
                found[node_id] = ('tbl', labels('table-ref', n=tables))
            elif node.tag == f'{{{MATHML_NS}}}math' and node_id.startswith('eq-'):
                equations += 1
                number = etree.Element(f'{{{XHTML_NS}}}span')
                number.set('class', 'equation-number')
                number.text = f'({equations})'
                node.addprevious(number)  # floated right, beside the formula's line
                found[node_id] = ('eq', labels('equation-ref', n=equations))
            elif node.tag == f'{{{XHTML_NS}}}figure':
                caption = node.find(f'{{{XHTML_NS}}}figcaption')
                if node_id.startswith('fig-') and caption is not None:
                    figures += 1
                    _number_caption(node, caption, 'figure-label', labels('figure-caption', n=figures))
                    found[node_id] = ('fig', labels('figure-ref', n=figures))
                else:
                    found[node_id] = ('page', plain_text(caption) if caption is not None
                                      else labels('figure'))
            elif node.tag in HEADINGS:
                found[node_id] = ('sec', plain_text(node))
            else:
                found[node_id] = ('page', plain_text(node) or labels('here'))
    for section in sections:
        for link in section.iter(f'{{{XHTML_NS}}}a'):
            href = link.get('href', '')
            is_xref = 'xref' in (link.get('class') or '').split()
            empty = not plain_text(link) and len(link) == 0
            if empty and _ADDRESS.match(href):
                # '[](https://github.com/x/pull/1931)': a link with nothing to read or press
                # (Ace: link-name); it reads as its address, as a browser shows an address.
                link.text = _ADDRESS.sub('', href)
                continue
            if not href.startswith('#') or not (is_xref or empty) or href[1:] not in found:
                continue
            kind, text = found[href[1:]]
            if not is_xref:
                kind = kind if kind in ('fig', 'tbl', 'eq') else 'page'
            link.set('class', f'xref xref-{kind}')
            label = etree.SubElement(link, f'{{{XHTML_NS}}}span')
            label.set('class', 'xref-label')
            label.text = text
