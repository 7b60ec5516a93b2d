"""Whether a book's own print stylesheet leaves running text as make-book measures it.

The line breaker (:mod:`~makebook.pdf.justify`) and the display lines
(:mod:`~makebook.pdf.display`) restate print.css's faces, sizes, spacing and
measure as numbers; a book's ``print-css`` may change any of them, and knowing
which rules reach which paragraph would need a CSS cascade. But most such
stylesheets change only what cannot move a line's end: colours, rules of
boxes, page breaks, running heads and the page's margin boxes, vertical space.
A stylesheet that declares nothing else keeps make-book's line breaking; any
other property (a font, a size, a margin, word spacing, generated text) leaves
the book's text to WeasyPrint's first-fit, as before.
"""

from __future__ import annotations

from typing import Any

# Properties that cannot change the width of a line's glyphs and spaces nor the measure.
_HARMLESS = frozenset({
    'color', 'opacity', 'background', 'background-color', 'background-image', 'background-position',
    'background-repeat', 'background-size', 'background-clip', 'background-origin',
    'background-attachment', 'text-decoration', 'text-decoration-line', 'text-decoration-color',
    'text-decoration-style', 'text-decoration-thickness', 'text-shadow', 'box-shadow', 'outline',
    'outline-color', 'outline-style', 'outline-width', 'outline-offset', 'border-color',
    'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
    'break-before', 'break-after', 'break-inside', 'page-break-before', 'page-break-after',
    'page-break-inside', 'orphans', 'widows', 'string-set', 'bookmark-level', 'bookmark-label',
    'bookmark-state', 'margin-top', 'margin-bottom', 'padding-top', 'padding-bottom', 'line-height',
    'visibility', 'image-rendering', 'fill', 'stroke'})
# @page's margin boxes (running heads, folios): anything may be said there.
_MARGIN_BOXES = frozenset(f'{edge}-{place}' for edge, places in (
    ('top', ('left-corner', 'left', 'center', 'right', 'right-corner')),
    ('bottom', ('left-corner', 'left', 'center', 'right', 'right-corner')),
    ('left', ('top', 'middle', 'bottom')), ('right', ('top', 'middle', 'bottom'))) for place in places)


def leaves_text_alone(css: str) -> bool:
    """True if ``css`` (a book's print stylesheets, joined) only declares properties that cannot
    move a line's end (empty: True). Unknown at-rules, nested rules and CSS that does not parse
    count as changing the text."""
    import tinycss2  # WeasyPrint's CSS parser

    if not css.strip():
        return True
    return _rules_harmless(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _rules_harmless(rules: list[Any]) -> bool:
    import tinycss2

    for rule in rules:
        if rule.type == 'qualified-rule':
            if not _declarations_harmless(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                          skip_whitespace=True)):
                return False
        elif rule.type == 'at-rule' and rule.lower_at_keyword == 'media' and rule.content is not None:
            if not _rules_harmless(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                            skip_whitespace=True)):
                return False
        elif rule.type == 'at-rule' and rule.lower_at_keyword == 'page' and rule.content is not None:
            if not _page_harmless(tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                                 skip_whitespace=True)):
                return False
        elif not (rule.type == 'at-rule' and rule.lower_at_keyword == 'font-face'):
            return False  # @import, an unknown at-rule, a parse error
    return True


def _declarations_harmless(items: list[Any]) -> bool:
    return all(item.type == 'declaration' and item.lower_name in _HARMLESS for item in items)


def _page_harmless(items: list[Any]) -> bool:
    """@page's own declarations as any rule's (no size, no margin); its margin boxes free."""
    for item in items:
        if item.type == 'at-rule' and item.lower_at_keyword in _MARGIN_BOXES:
            continue
        if not _declarations_harmless([item]):
            return False
    return True
