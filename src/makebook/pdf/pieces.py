"""The print document cut into pieces that WeasyPrint lays out one at a time (issue 13).

Every chapter (and part) opens on a recto, so the book can be laid out a chapter at a time and
the pages joined: :mod:`~makebook.pdf.engine` lays out each piece as its own document and joins
their pages into one, which the rest of the print edition reads as it read the single
document's. A piece whose HTML and starting numbers have not changed is not laid out again:
in a build that lays the book out several times (a note cut, a paragraph relaxed), only the
chapters that changed are.

A body piece is laid out as if it were the book's first (its page counter from 1), so that its
layout does not depend on the pieces before it: they can be laid out at the same time, and one
that grew by a page does not make every later one new. Its folios are laid out but hidden
(:data:`HIDDEN_FOLIOS`): the engine reads where they are, and the join prints the book's own
numbers over them (:mod:`~makebook.pdf.folios`). What the single document knew from the
layout, a piece is told (and the engine checks it):
- the figure counter's value at its start (``html { counter-reset: figure N }``);
- the numbers of figures it refers to in other pieces, and of every page it refers to (its own
  included: its page counter is not the book's): written into the link (``data-mb-ref``) and
  printed by :func:`~makebook.pdf.document.literal_label_css`'s rules instead of
  ``target-counter()``.
The contents (front matter) are laid out last, their page numbers written in the same way.
Each piece but the last ends with an empty chapter (:data:`PIECE_END`) whose page is dropped:
it makes the blank verso a chapter ending on a recto needs, as the single document does.

No WeasyPrint here: this module only cuts and rewrites trees, so it can be tested quickly.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from makebook.model import XHTML_NS
from makebook.pdf.document import serialise

# The id of the empty chapter that ends every piece but the last (its page is dropped).
PIECE_END = 'mb-piece-end'
# The links whose generated words carry a number from the layout (print.css, label_css).
_PAGE_REFS = ('xref-page', 'xref-sec')
_FIGURE_REF = 'xref-fig'
# A body piece's folios: laid out (the engine reads them), not drawn (the join prints the book's).
HIDDEN_FOLIOS = '@page { @bottom-center { visibility: hidden; } }'


@dataclass(frozen=True)
class Piece:
    """Consecutive sections of the body (or the front matter) to lay out as one document."""

    head: etree._Element
    html_attributes: tuple[tuple[str, str], ...]
    sections: tuple[etree._Element, ...]
    front: bool  # the front matter, with the contents: laid out last
    last: bool  # ends the book: no closing empty chapter
    figures: int  # numbered figures before the piece
    ids: frozenset[str]  # every id in the piece
    book_ids: frozenset[str]  # every id in the book

    def html(self, pages: Mapping[str, int], figures: Mapping[str, int]) -> str:
        """The piece as its own HTML document. ``pages`` gives the page number (the page
        counter, as target-counter() reads it) of each id in other pieces, ``figures`` the
        figure number of each numbered figure's ids."""
        root = etree.Element(f'{{{XHTML_NS}}}html', nsmap={None: XHTML_NS})  # type: ignore[dict-item]
        for name, value in self.html_attributes:
            root.set(name, value)
        head = copy.deepcopy(self.head)
        if not self.front:
            # The PDF's dates are the front matter's (its catalog is the joined PDF's): a body
            # piece without them is the same piece after any edit elsewhere (kept between builds).
            for meta in head.findall(f'{{{XHTML_NS}}}meta'):
                if (meta.get('name') or '').startswith('dcterms.'):
                    head.remove(meta)
        root.append(head)
        body = etree.SubElement(root, f'{{{XHTML_NS}}}body')
        for section in self.sections:
            body.append(copy.deepcopy(section))
        for link in body.iter(f'{{{XHTML_NS}}}a'):
            target = (link.get('href') or '')[1:]
            if not (link.get('href') or '').startswith('#'):
                continue
            classes = (link.get('class') or '').split()
            if _FIGURE_REF in classes and target in figures and target not in self.ids:
                link.set('data-mb-ref', str(figures[target]))
            elif self._prints_page_of(target, classes):
                # A page not laid out yet: a guess the engine checks (and lays out again).
                link.set('data-mb-ref', str(pages.get(target, 0)))
        if not self.last:
            etree.SubElement(body, f'{{{XHTML_NS}}}section', {'class': 'chapter', 'id': PIECE_END})
        return serialise(root)

    def css(self) -> str:
        """The piece's own rules: a body piece's hidden folios and the figures before it."""
        rules = [] if self.front else [HIDDEN_FOLIOS]
        if self.figures:
            rules.append(f'html {{ counter-reset: figure {self.figures}; }}')
        return '\n'.join(rules) or '/**/'

    def references(self) -> frozenset[str]:
        """The ids whose page number the piece prints: in other pieces, and in a body piece its
        own too (its page counter starts at 1)."""
        found = set()
        for section in self.sections:
            for link in section.iter(f'{{{XHTML_NS}}}a'):
                href = link.get('href') or ''
                if href.startswith('#') and self._prints_page_of(href[1:], (link.get('class') or '').split()):
                    found.add(href[1:])
        return frozenset(found)

    def _prints_page_of(self, target: str, classes: list[str]) -> bool:
        """True if a link to ``target`` with ``classes`` prints the target's page number, which
        the piece is told (the contents, and page references)."""
        if target not in self.book_ids:
            return False
        if self.front:
            return target not in self.ids
        return any(kind in classes for kind in _PAGE_REFS)


def cut(root: etree._Element, per_piece: int = 1) -> tuple[Piece, list[Piece]] | None:
    """The front matter (up to the contents) and the body in pieces of ``per_piece`` chapters
    (a part's page counts as one); None when the document cannot be cut (no contents, or no
    chapter that opens the body)."""
    head = root.find(f'{{{XHTML_NS}}}head')
    body = root.find(f'{{{XHTML_NS}}}body')
    if head is None or body is None:
        return None
    children = [node for node in body if isinstance(node.tag, str)]
    toc = next((index for index, node in enumerate(children) if _classes(node) & {'toc'}), None)
    if toc is None or toc + 1 >= len(children) or not _opens_page(children[toc + 1]) \
            or 'body-start' not in _classes(children[toc + 1]):
        return None
    groups: list[list[etree._Element]] = []
    for node in children[toc + 1:]:
        if _opens_page(node) and (not groups or len(groups[-1]) >= per_piece):
            groups.append([node])
        else:
            groups[-1].append(node)
    attributes = tuple((str(name), str(value)) for name, value in root.attrib.items())
    numbered = _figure_counts(children)
    everywhere = _ids(children)
    front = Piece(head, attributes, tuple(children[:toc + 1]), True, False, 0,
                  _ids(children[:toc + 1]), everywhere)
    pieces = []
    for index, group in enumerate(groups):
        pieces.append(Piece(head, attributes, tuple(group), False, index == len(groups) - 1,
                            numbered[id(group[0])], _ids(group), everywhere))
    return front, pieces


def figure_numbers(root: etree._Element) -> dict[str, int]:
    """The number print.css's 'figure' counter gives each numbered figure, by every id in it."""
    numbers: dict[str, int] = {}
    count = 0
    for node in root.iter(f'{{{XHTML_NS}}}figure'):
        if 'numbered' in _classes(node):
            count += 1
            for inner in node.iter():
                if isinstance(inner.tag, str) and inner.get('id'):
                    numbers.setdefault(inner.get('id', ''), count)
    return numbers


def _figure_counts(children: list[etree._Element]) -> dict[int, int]:
    """For each top-level section (by id()), the numbered figures before it."""
    counts, count = {}, 0
    for node in children:
        counts[id(node)] = count
        count += sum(1 for figure in node.iter(f'{{{XHTML_NS}}}figure') if 'numbered' in _classes(figure))
    return counts


def _opens_page(node: etree._Element) -> bool:
    """A section print.css opens on a recto: a chapter or a part's page."""
    return etree.QName(node).localname == 'section' and bool(_classes(node) & {'chapter', 'part'})


def _classes(node: etree._Element) -> set[str]:
    return set((node.get('class') or '').split())


def _ids(nodes: list[etree._Element]) -> frozenset[str]:
    return frozenset(inner.get('id', '') for node in nodes for inner in node.iter()
                     if isinstance(inner.tag, str) and inner.get('id'))
