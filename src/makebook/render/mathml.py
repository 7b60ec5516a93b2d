"""TeX formulas (``<span class="math">`` from extensions/math.py) to MathML.

MathML is what EPUB 3 and browsers read; the TeX stays on the ``<math>`` as
``alttext`` for readers that cannot show it. The PDF writer draws this same
MathML as SVG (:mod:`makebook.pdf.mathsvg`). latex2mathml accepts almost
anything, so a formula is checked here first: a malformed one is a warning
and its source is shown as code instead.

latex2mathml's output is never parsed as markup: its element tree is copied
through the MathML allowlist (:mod:`makebook.safety.generated`), so text in
``\\text{}`` stays text and ``\\href``, ``\\style``, ``\\class`` and
``\\cssId`` are left out, with a warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from lxml import etree

from makebook import codes
from makebook.codes import Code
from makebook.model import MATHML_NS, XHTML_NS
from makebook.safety.generated import mathml_from

# How many children each MathML layout element must have.
_ARITY = {'mfrac': 2, 'msup': 2, 'msub': 2, 'msubsup': 3, 'mroot': 2, 'munder': 2, 'mover': 2,
          'munderover': 3}
# Longer than any formula a book sets; latex2mathml's time grows faster than the TeX.
MAX_TEX = 20_000
# Commands whose first argument is a link, CSS, a class or an id: never honoured in a book.
# They are taken out of the TeX before it is converted, so their argument reaches no output,
# not even the alt text (the MathML allowlist would drop the attributes anyway).
_ATTRIBUTE_COMMAND = re.compile(r'\\(href|style|class|cssId|color|textcolor|colorbox)(?![A-Za-z])\s*\{')
# A colour command keeps an argument that is a colour ('red', '#a0b0c0'); anything else goes.
_COLOUR_COMMANDS = frozenset({'color', 'textcolor', 'colorbox'})
_COLOUR = re.compile(r'\s*(#[0-9A-Fa-f]{3,8}|[A-Za-z]{1,30})\s*')

# (code, message, the formula's TeX): the renderer turns the TeX into a file and line.
Report = Callable[[Code, str, str], None]


def _balance_problem(tex: str) -> str | None:
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
    return None


def to_mathml(tex: str, display: bool = False) -> tuple[ET.Element | None, str | None]:
    """latex2mathml's tree for ``tex``, or (None, why it is not a formula make-book can set)."""
    if len(tex) > MAX_TEX:
        return None, f'longer than {MAX_TEX:,} characters'
    problem = _balance_problem(tex)
    if problem is not None:
        return None, problem
    # Imported at the first formula: most books have none, and it takes a tenth of a second.
    from latex2mathml.converter import convert_to_element

    try:
        tree = convert_to_element(tex, display='block' if display else 'inline')
    except RecursionError:
        return None, 'nested too deeply'
    except Exception as exc:  # latex2mathml raises many kinds; all mean "not TeX it can set"
        return None, f'{type(exc).__name__}: {exc}'.rstrip(': ')[:200]
    for node in tree.iter():
        name = str(node.tag).rpartition('}')[2]
        text = node.text or ''
        if name in ('mi', 'mo') and text.startswith('\\') and len(text) > 1:
            return None, f'unknown command {text[:40]}'
        if name in _ARITY and len(node) != _ARITY[name]:
            return None, f'a command is missing an argument ({name})'
    return tree, None


def without_attribute_commands(tex: str) -> tuple[str, list[str]]:
    """``tex`` with each ``\\href{…}``, ``\\style{…}``, ``\\class{…}``, ``\\cssId{…}`` (and a
    colour command whose colour is not a colour) and its first argument taken out (the second,
    the formula itself, stays), and the commands found."""
    found: list[str] = []
    out: list[str] = []
    position = 0
    for match in _ATTRIBUTE_COMMAND.finditer(tex):
        if match.start() < position:
            continue  # inside an argument already taken out
        end = _closing_brace(tex, match.end())
        if end is None:
            break  # unbalanced: _balance_problem reports it
        if match.group(1) in _COLOUR_COMMANDS and _COLOUR.fullmatch(tex[match.end():end]):
            continue
        out.append(tex[position:match.start()])
        found.append('\\' + match.group(1))
        position = end + 1
    out.append(tex[position:])
    return ''.join(out), list(dict.fromkeys(found))


def _closing_brace(tex: str, start: int) -> int | None:
    """The index of the '}' closing the group that opens just before ``start``."""
    depth, index = 1, start
    while index < len(tex):
        char = tex[index]
        if char == '\\':
            index += 2
            continue
        if char == '{':
            depth += 1
        elif char == '}':
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def tex_problem(tex: str) -> str | None:
    """Why ``tex`` is not a formula make-book can set, or None."""
    return to_mathml(tex)[1]


def convert_math(body: etree._Element, report: Report) -> None:
    """Replace every math span in ``body`` by MathML, or by code with a warning."""
    for span in list(body.iter(f'{{{XHTML_NS}}}span')):
        classes = (span.get('class') or '').split()
        if 'math' not in classes:
            continue
        written = span.text or ''
        tex, commands = without_attribute_commands(written)
        display = 'display' in classes
        tree, problem = to_mathml(tex, display)
        if tree is None:
            report(codes.BAD_FORMULA, f'malformed formula ({problem}); its TeX is shown as code: '
                   f'{_short(tex)}', written)
            replacement = etree.Element(f'{{{XHTML_NS}}}code')
            replacement.set('class', 'math-error')
            replacement.text = tex
        else:
            cleaned = mathml_from(tree)
            removed = list(dict.fromkeys([*commands, *cleaned.removed]))
            if removed:
                report(codes.MATH_MARKUP_REMOVED, f'{", ".join(removed)} left out of the formula '
                       f"(a book's formulas cannot link, style or name things): {_short(written)}",
                       written)
            replacement = cleaned.element
            replacement.set('alttext', tex)
        if span.get('id'):  # '{#eq-x}': the formula is the target of '@eq-x'
            replacement.set('id', span.get('id', ''))
        replacement.tail = span.tail
        parent = span.getparent()
        assert parent is not None  # a <span> inside ``body``, never ``body`` itself
        parent.replace(span, replacement)


def _short(tex: str, limit: int = 80) -> str:
    tex = ' '.join(tex.split())
    return tex if len(tex) <= limit else tex[:limit] + '…'


def has_math(tree: etree._Element) -> bool:
    return next(tree.iter(f'{{{MATHML_NS}}}math'), None) is not None
