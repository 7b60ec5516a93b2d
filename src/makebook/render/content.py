"""Raw HTML put back into the content models e-readers enforce (EPUBCheck RSC-005).

Pasted HTML breaks them in ways an HTML parser keeps: a heading or a paragraph
inside ``<em>`` or ``<span>`` (phrasing content may hold no blocks), text straight
inside ``<ul>`` or ``<table>``. Each is repaired here, keeping every word, and
reported once per element at the line where it is written:

* an id the HTML parser copied (``<p><em id="k">a <h3>T</h3></em>``: HTML5 reopens
  the ``<em>``, id and all, inside the heading and after it) stays on the first
  element only: the author wrote it once (:func:`drop_copied_ids`);
* a block inside an element that may hold only phrasing content is moved out:
  the element is closed before the block and opened again after it (the copy
  without the id, which must stay unique);
* what a list holds that is not an ``<li>`` is wrapped in one (``<dd>`` in a
  ``<dl>``); what a table holds that is not a part of one is moved before the
  table (as browsers do), and cells straight in a table get their row.

Elements of other namespaces (MathML) are left alone. Each element is visited a
bounded number of times: linear in the size of the tree (its depth is bounded
by repairs.nesting before this runs).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from makebook.model import XHTML_NS

X = f'{{{XHTML_NS}}}'

# Elements whose content may only be phrasing content (no blocks).
PHRASING_ONLY = frozenset({
    'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'span', 'em', 'strong', 'b', 'i', 'u', 's', 'small', 'sub',
    'sup', 'abbr', 'cite', 'code', 'dfn', 'kbd', 'mark', 'q', 'samp', 'var', 'time', 'data', 'bdi',
    'bdo', 'pre', 'rt', 'rp', 'ruby', 'label',
})
# Elements whose content model is their parent's (a link may hold a block where its parent may).
TRANSPARENT = frozenset({'a', 'ins', 'del', 'map', 'object', 'video', 'audio', 'canvas'})
# Blocks: flow content that is not phrasing content.
BLOCKS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'details', 'dialog', 'div', 'dl', 'fieldset', 'figure',
    'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'main', 'menu',
    'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul',
})
LISTS = {'ul': 'li', 'ol': 'li', 'menu': 'li', 'dl': 'dd'}
_LIST_ITEMS = {'ul': {'li'}, 'ol': {'li'}, 'menu': {'li'}, 'dl': {'dt', 'dd', 'div'}}
_TABLE_PARTS = {'table': {'caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr'},
                'thead': {'tr'}, 'tbody': {'tr'}, 'tfoot': {'tr'}}
_CELLS = {'td', 'th'}
_SCRIPTING = {'script', 'template'}

# (message, the text to find the line by).
Report = Callable[[str, str], None]


def local(element: etree._Element) -> str | None:
    """The XHTML local name of ``element``, or None for other namespaces, comments, PIs."""
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(X):
        return None
    return tag[len(X):]


# An id attribute in a start tag, its value quoted or not ('data-id' is not one: a space before).
_ID_ATTRIBUTE = re.compile(r"""<[A-Za-z][^<>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                           re.IGNORECASE)


def written_ids(markup: str) -> Counter[str]:
    """How many times each id is written in ``markup`` (the HTML given to the parser)."""
    return Counter(html.unescape(double or single or bare)
                   for double, single, bare in _ID_ATTRIBUTE.findall(markup))


def drop_copied_ids(body: etree._Element, written: Counter[str]) -> None:
    """Take the id off each element past the number of times it was written: the HTML parser
    made those copies (it reopens a formatting element, attributes and all, after a block
    closes it), and a copied id would be reported as the author's duplicate (MB307)."""
    seen: Counter[str] = Counter()
    for element in body.iter():
        value = element.get('id') if isinstance(element.tag, str) else None
        if value is None:
            continue
        seen[value] += 1
        if seen[value] > written[value]:
            del element.attrib['id']


def repair_content(body: etree._Element, report: Report) -> None:
    """Blocks out of phrasing elements, then lists' and tables' stray content into place."""
    hoist_blocks(body, report)
    fit_containers(body, report)


def _post_order(root: etree._Element) -> list[etree._Element]:
    """The elements under ``root``, children before their parent, without recursion."""
    order: list[etree._Element] = []
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        if done:
            order.append(element)
            continue
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element) if isinstance(child.tag, str))
    return order


def _holds_phrasing_only(element: etree._Element) -> bool:
    """Whether ``element`` may hold only phrasing content (a transparent one decides by its parent)."""
    node: etree._Element | None = element
    while node is not None:
        name = local(node)
        if name is None or name not in TRANSPARENT:
            return name in PHRASING_ONLY
        node = node.getparent()
    return False


def hoist_blocks(body: etree._Element, report: Report) -> None:
    """Move every block out of an element that may hold only phrasing content."""
    for element in _post_order(body):
        if element is body or not any(local(child) in BLOCKS for child in element):
            continue
        if not _holds_phrasing_only(element):
            continue
        parent = element.getparent()
        if parent is None:
            continue
        blocks = [child for child in element if local(child) in BLOCKS]
        report(f'<{local(blocks[0])}> is not allowed inside <{local(element)}> (e-readers reject it); '
               f'the <{local(element)}> is closed before it and opened again after', f'<{local(blocks[0])}')
        _split_around_blocks(element, parent)


def _split_around_blocks(element: etree._Element, parent: etree._Element) -> None:
    """Replace ``element`` in ``parent`` by its runs of phrasing content, each in a copy of it
    (the first in the element itself, with its id), and the blocks between them."""
    children = list(element)
    for child in children:
        element.remove(child)
    pieces: list[etree._Element] = []
    current = element
    for child in children:
        if local(child) in BLOCKS:
            after, child.tail = child.tail, None
            pieces += [current, child]
            current = _empty_copy(element)
            current.text = after
        else:
            current.append(child)  # its tail goes with it
    pieces.append(current)
    tail, element.tail = element.tail, None
    index = parent.index(element)
    parent.remove(element)
    kept = [piece for piece in pieces if local(piece) in BLOCKS or _has_content(piece)
            or (piece is element and element.get('id'))]  # an empty anchor still has its id
    for offset, piece in enumerate(kept):
        parent.insert(index + offset, piece)
    if tail:
        if kept:
            kept[-1].tail = (kept[-1].tail or '') + tail
        else:
            _add_text(parent, index, tail)


def _empty_copy(element: etree._Element) -> etree._Element:
    clone = etree.Element(element.tag)
    for name, value in element.attrib.items():
        if name != 'id':
            clone.set(name, value)
    return clone


def _has_content(element: etree._Element) -> bool:
    return bool((element.text or '').strip()) or len(element) > 0


def _add_text(parent: etree._Element, index: int, text: str) -> None:
    """Add ``text`` where the child at ``index`` would be (after the one before it)."""
    if index > 0:
        previous = parent[index - 1]
        previous.tail = (previous.tail or '') + text
    else:
        parent.text = (parent.text or '') + text


def _take_contents(container: etree._Element) -> list[str | etree._Element]:
    """The container's texts and children, in order, taken out of it."""
    items: list[str | etree._Element] = []
    if container.text:
        items.append(container.text)
        container.text = None
    for child in list(container):
        tail, child.tail = child.tail, None
        container.remove(child)
        items.append(child)
        if tail:
            items.append(tail)
    return items


def _keep_text(container: etree._Element, text: str) -> None:
    """Put (white-space) text back at the end of what the container holds."""
    _add_text(container, len(container), text)


def _fits(item: etree._Element, allowed: set[str]) -> bool:
    name = local(item)
    return not isinstance(item.tag, str) or name is None or name in allowed or name in _SCRIPTING


def fit_containers(body: etree._Element, report: Report) -> None:
    """What a list or a table holds that it may not: into an item, or out before the table."""
    for element in list(body.iter(*(f'{X}{name}' for name in (*LISTS, *_TABLE_PARTS, 'tr', 'details')))):
        name = local(element)
        if name == 'details':
            _fit_details(element, report)
        elif name in LISTS:
            _wrap_strays(element, _LIST_ITEMS[name], LISTS[name], report)
        elif name == 'tr':
            _wrap_strays(element, _CELLS, 'td', report)
        elif name is not None:
            _fit_table_part(element, name, report)


def _fit_details(details: etree._Element, report: Report) -> None:
    """A <details> must open with its <summary> (EPUBCheck RSC-005 otherwise): a summary written
    later is moved first; with none, the element is kept as a plain block, its content open."""
    summary = details.find(f'{X}summary')
    if summary is not None and not (details.text or '').strip() and details.index(summary) == 0:
        return
    if summary is None:
        report('<details> has no <summary> (e-readers reject it); it is kept as a plain block, open',
               '<details')
        details.tag = f'{X}div'
        if 'open' in details.attrib:
            del details.attrib['open']
        return
    report('<details> must begin with its <summary> (e-readers reject it); the summary is moved first',
           '<details')
    _keep_text_after(summary)
    details.insert(0, summary)
    if (details.text or '').strip():
        summary.tail = (details.text or '') + (summary.tail or '')
        details.text = None


def _keep_text_after(element: etree._Element) -> None:
    """Leave ``element``'s tail where it is, before ``element`` is moved."""
    if element.tail:
        previous = element.getprevious()
        parent = element.getparent()
        if previous is not None:
            previous.tail = (previous.tail or '') + element.tail
        elif parent is not None:
            parent.text = (parent.text or '') + element.tail
        element.tail = None


def _has_strays(container: etree._Element, allowed: set[str]) -> bool:
    if (container.text or '').strip():
        return True
    return any((child.tail or '').strip() or not _fits(child, allowed) for child in container)


def _wrap_strays(container: etree._Element, allowed: set[str], wrapper: str, report: Report) -> None:
    """Wrap each run of text and elements ``container`` may not hold into a ``wrapper``."""
    if not _has_strays(container, allowed):
        return
    name = local(container)
    report(f'<{name}> holds text or elements it may not (e-readers reject it); they are put in '
           f'<{wrapper}>', f'<{name}')
    run: etree._Element | None = None
    for item in _take_contents(container):
        if isinstance(item, str):
            if run is None and not item.strip():
                _keep_text(container, item)
                continue
            if run is None:
                run = etree.SubElement(container, f'{X}{wrapper}')
            _keep_text(run, item)
        elif _fits(item, allowed):
            container.append(item)
            run = None
        else:
            if run is None:
                run = etree.SubElement(container, f'{X}{wrapper}')
            run.append(item)


def _fit_table_part(part: etree._Element, name: str, report: Report) -> None:
    """Cells straight in a table (or its body) get a row; anything else a table may not hold is
    moved before the table, as browsers do."""
    allowed = _TABLE_PARTS[name]
    if not _has_strays(part, allowed):
        return
    table = part if name == 'table' else part.getparent()
    if table is None or local(table) != 'table' or table.getparent() is None:
        return
    report(f'<{name}> holds text or elements it may not (e-readers reject it); cells get a row, the '
           'rest is moved before the table', f'<{name}')
    row: etree._Element | None = None
    for item in _take_contents(part):
        if isinstance(item, str):
            if item.strip():
                table.addprevious(_paragraph(item))
            else:
                _keep_text(row if row is not None else part, item)
        elif local(item) in _CELLS:
            if row is None:
                row = etree.SubElement(part, f'{X}tr')
            row.append(item)
        elif _fits(item, allowed):
            part.append(item)
            row = None
        else:
            table.addprevious(item)


def _paragraph(text: str) -> etree._Element:
    paragraph = etree.Element(f'{X}p')
    paragraph.text = text
    return paragraph
