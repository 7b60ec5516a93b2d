"""Cross-references, once the whole book is known.

* Figures with a ``fig-`` id (the Quarto convention) are numbered in book
  order: their caption starts "Figure N.", and ``@fig-x`` reads "figure N".
* ``@sec-x`` reads as the heading's title; a link with no text reads as its
  target's title.

The text written here serves the EPUB and the web edition. The PDF hides it
and asks the layout instead ("figure N", "page N", with ``target-counter``:
see the cross-reference block at the end of styles/print.css), which is why
each link gets a class naming its kind.
"""

from __future__ import annotations

from lxml import etree

from makebook.model import XHTML_NS, Labels
from makebook.xhtml import plain_text

HEADINGS = {f'{{{XHTML_NS}}}h{n}' for n in range(1, 7)}


def fill_cross_references(sections: list[etree._Element], labels: Labels) -> None:
    found: dict[str, tuple[str, str]] = {}  # id -> (kind, label)
    figures = 0
    for section in sections:
        for node in section.iter():
            node_id = node.get('id') if isinstance(node.tag, str) else None
            if not node_id:
                continue
            if node.tag == f'{{{XHTML_NS}}}figure':
                caption = node.find(f'{{{XHTML_NS}}}figcaption')
                if node_id.startswith('fig-') and caption is not None:
                    figures += 1
                    node.set('class', ((node.get('class') or '') + ' numbered').strip())
                    label = etree.Element(f'{{{XHTML_NS}}}span')
                    label.set('class', 'figure-label')
                    label.text = labels('figure-caption', n=figures)
                    label.tail = ' ' + (caption.text or '')
                    caption.text = None
                    caption.insert(0, label)
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
            if not href.startswith('#') or not (is_xref or empty) or href[1:] not in found:
                continue
            kind, text = found[href[1:]]
            if not is_xref:
                kind = 'fig' if kind == 'fig' else 'page'
            link.set('class', f'xref xref-{kind}')
            label = etree.SubElement(link, f'{{{XHTML_NS}}}span')
            label.set('class', 'xref-label')
            label.text = text
