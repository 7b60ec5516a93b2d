"""Allowlists for markup a library makes: MathML from latex2mathml, SVG from ziamath.

The raw HTML an author writes goes through :mod:`~makebook.safety.sanitize`;
markup a library generates from the author's text must not skip that door.
latex2mathml copies ``\\text{...}`` into its output unescaped (so
``$\\text{<script>…</script>}$`` was a working script), and turns ``\\href``,
``\\style``, ``\\class`` and ``\\cssId`` into attributes. So a generated
fragment is never parsed as markup: its tree is copied element by element into
a fresh one, keeping only the elements and attributes on the lists below, with
every attribute value matched against what that attribute may hold, and every
text copied as text. Anything else is left out and named, so the renderer can
say so with the formula's file and line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from makebook.model import MATHML_NS
from makebook.safety.xmlchars import safe_xml_parser, xml_text

SVG_NS = 'http://www.w3.org/2000/svg'
XLINK_HREF = '{http://www.w3.org/1999/xlink}href'

# Presentation MathML, as latex2mathml writes it and EPUB 3 readers show it. No
# <maction> (interactive), <annotation-xml> (holds foreign markup), <semantics>.
MATHML_ELEMENTS = frozenset({
    'math', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msub', 'msup', 'msubsup',
    'mfrac', 'msqrt', 'mroot', 'mstyle', 'merror', 'mpadded', 'mphantom', 'mfenced', 'menclose',
    'munder', 'mover', 'munderover', 'mmultiscripts', 'mprescripts', 'none', 'mtable', 'mtr',
    'mtd', 'mlabeledtr',
})
# A length, a number, a keyword or a list of them: no parentheses, colons, quotes or
# slashes, so no url(), no javascript:, no CSS.
_WORDS = re.compile(r'[A-Za-z0-9#.%+\- ]{0,80}')
_COLOUR = re.compile(r'#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,30}')
MATHML_ATTRIBUTES: dict[str, re.Pattern[str]] = {
    **dict.fromkeys((
        'display', 'mathvariant', 'mathsize', 'displaystyle', 'scriptlevel', 'accent', 'accentunder',
        'stretchy', 'fence', 'separator', 'lspace', 'rspace', 'largeop', 'movablelimits', 'symmetric',
        'minsize', 'maxsize', 'width', 'height', 'depth', 'voffset', 'columnalign', 'rowalign',
        'columnlines', 'rowlines', 'columnspacing', 'rowspacing', 'frame', 'framespacing', 'notation',
        'linethickness', 'bevelled', 'numalign', 'denomalign', 'open', 'close', 'separators', 'form',
        'align', 'columnspan', 'rowspan', 'equalrows', 'equalcolumns', 'side', 'dir', 'linebreak',
        'indentalign', 'indentshift',
    ), _WORDS),
    'mathcolor': _COLOUR,
    'mathbackground': _COLOUR,
}
# Attributes whose loss the author should hear of: they came from \href, \style,
# \class or \cssId, which a book's formulas cannot honour.
_TEX_COMMAND_OF = {'href': '\\href', 'style': '\\style', 'class': '\\class', 'id': '\\cssId'}

# What ziamath draws: glyph outlines as symbols placed with <use>, rules as rects.
SVG_ELEMENTS = frozenset({'svg', 'g', 'defs', 'symbol', 'use', 'path', 'rect', 'line', 'polygon',
                          'polyline', 'circle', 'ellipse', 'title', 'desc'})
_NUMBERS = re.compile(r'[0-9eE.+\- ,]{0,200}')
_PATH = re.compile(r'[0-9eE.+\-, MmLlHhVvCcSsQqTtAaZz]*')
_TRANSFORM = re.compile(r'(?:\s*(?:matrix|translate|scale|rotate|skewX|skewY)\([0-9eE.+\-, ]*\)\s*)*')
_FRAGMENT = re.compile(r'#[A-Za-z_][\w.-]{0,200}')
_ID = re.compile(r'[A-Za-z_][\w.-]{0,200}')
SVG_ATTRIBUTES: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(('x', 'y', 'x1', 'y1', 'x2', 'y2', 'width', 'height', 'cx', 'cy', 'r', 'rx',
                     'ry', 'stroke-width', 'opacity', 'fill-opacity', 'stroke-opacity', 'viewBox',
                     'points'), _NUMBERS),
    'd': _PATH,
    'transform': _TRANSFORM,
    'fill': _COLOUR,
    'stroke': _COLOUR,
    'id': _ID,
    'href': _FRAGMENT,
    XLINK_HREF: _FRAGMENT,
    'preserveAspectRatio': _WORDS,
    'version': _WORDS,
}

_CHARACTER_REFERENCE = re.compile(r'&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));')


@dataclass
class Cleaned:
    """A generated fragment copied through an allowlist, and what was left out."""

    element: etree._Element
    removed: list[str] = field(default_factory=list)  # for the author: "\\href", "<maction>"...


def mathml_from(tree: ET.Element) -> Cleaned:
    """latex2mathml's tree (``convert_to_element``) as a MathML element that holds only
    allowed elements and attributes; its texts are text, never markup."""
    return _copy(tree, MATHML_NS, MATHML_ELEMENTS, MATHML_ATTRIBUTES, _decoded, keep_content=True)


def svg_from(markup: str) -> Cleaned:
    """ziamath's SVG (a string) re-made through the SVG allowlist. Raises ValueError when it
    is not well-formed XML. An element off the list goes with its content (a drawing's
    text is never in a <script> or a <style>)."""
    try:
        tree = etree.fromstring(markup.encode(), safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f'not well-formed SVG: {exc}') from None
    return _copy(tree, SVG_NS, SVG_ELEMENTS, SVG_ATTRIBUTES, lambda text: xml_text(text) or '',
                 keep_content=False)


def _local(name: str) -> tuple[str | None, str]:
    """(namespace, local name) of an ElementTree or lxml tag or attribute name."""
    if name.startswith('{'):
        namespace, _, local = name[1:].partition('}')
        return namespace, local
    return None, name


# The two tree libraries' elements: the copy reads only what they share.
Source = ET.Element | etree._Element


def _copy(tree: Source, namespace: str, elements: frozenset[str],
          attributes: dict[str, re.Pattern[str]], text_of: Callable[[str], str],
          keep_content: bool) -> Cleaned:
    """Copy ``tree`` into ``namespace``, iteratively (a formula may nest deeply).

    An element off the list (or in another namespace) becomes a neutral group whose
    children, themselves checked, keep their place (``keep_content``), or goes with
    its content; an attribute off the list, or whose value does not match its
    pattern, is left out; each is named in ``removed``. Comments, processing
    instructions and entity references are never copied (their tails are).
    """
    removed: list[str] = []
    stand_in = 'mrow' if namespace == MATHML_NS else 'g'
    stack: list[tuple[Source, etree._Element | None]] = [(tree, None)]
    root: etree._Element | None = None
    while stack:
        source, parent = stack.pop()
        tail = text_of(source.tail) if source.tail and parent is not None else None
        if not isinstance(source.tag, str):  # a comment, a PI, an entity: lxml only
            if parent is not None and tail:  # type: ignore[unreachable]
                _append_text(parent, tail)
            continue
        source_ns, tag = _local(source.tag)
        if tag not in elements or source_ns not in (None, namespace):
            removed.append(f'<{tag}>')
            if not keep_content and parent is not None:
                if tail:
                    _append_text(parent, tail)
                continue
            tag = stand_in
        # lxml-stubs type nsmap as Mapping[str, str]; lxml takes None for the default namespace.
        copy = (etree.Element(f'{{{namespace}}}{tag}', nsmap={None: namespace})  # type: ignore[dict-item]
                if parent is None else etree.SubElement(parent, f'{{{namespace}}}{tag}'))
        for name, value in source.attrib.items():
            attribute_ns, local = _local(str(name))
            key = str(name) if attribute_ns is not None else local
            if (attribute_ns, local) == (None, 'xmlns') or attribute_ns == 'http://www.w3.org/2000/xmlns/':
                continue  # ElementTree's spelling of the namespace, which the copy has already
            pattern = attributes.get(key)
            if pattern is None or not pattern.fullmatch(str(value)):
                removed.append((_TEX_COMMAND_OF.get(local) if attribute_ns is None else None)
                               or f'the attribute {local}')
                continue
            copy.set(key, str(value))
        copy.text = text_of(source.text) if source.text else None
        copy.tail = tail
        if root is None:
            root = copy
        # Children pushed in reverse so they are copied (appended) in document order.
        children: list[Source] = list(source)
        stack.extend((child, copy) for child in reversed(children))
    assert root is not None
    return Cleaned(root, list(dict.fromkeys(removed)))


def _append_text(parent: etree._Element, text: str) -> None:
    """Add ``text`` after what ``parent`` holds so far."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or '') + text
    else:
        parent.text = (parent.text or '') + text


def _decoded(text: str) -> str:
    """latex2mathml's text: character references it wrote ('&#x000A0;') become characters;
    anything else (a '<' or '&' the author wrote) stays the character it is."""
    def character(match: re.Match[str]) -> str:
        number = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        return chr(number) if number <= 0x10FFFF else match.group(0)
    return xml_text(_CHARACTER_REFERENCE.sub(character, text)) or ''
