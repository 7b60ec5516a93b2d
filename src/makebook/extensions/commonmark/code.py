"""Code blocks as CommonMark reads them, highlighted by Pygments.

A fence's info string is read as pandoc, Quarto and mdBook write it (``rust,ignore``,
``python {.numberLines}``, ``{.python .numberLines}``, ``{python}``): the first word is the
language, the rest are classes; ``{=html}`` is raw HTML and another ``{=format}`` is left
out with a warning (raw_format's rule). The code is kept exactly: its tabs, blank lines
and leading spaces (Pygments is told not to strip them), but for the lines an mdBook hides
(:func:`hide_lines`). Pygments writes CSS classes
only, no inline styles and no scripts, and ``<code class="language-X">`` names the
language, as CommonMark renderers do.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it.common.utils import unescapeAll
from pygments import highlight
from pygments.formatters.html import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from makebook.extensions import attributes
from makebook.extensions.raw_format import HTML_FORMATS

_RAW = re.compile(r'^\{\s*=(?P<format>[\w-]+)\s*\}$')
_CLASS = re.compile(r'^[\w#+.-]+$')


@dataclass(frozen=True)
class Info:
    language: str | None
    classes: tuple[str, ...] = ()
    id: str | None = None
    raw_format: str | None = None  # '{=html}' -> 'html'


def read_info(info: str) -> Info:
    """A fence's info string: escapes and entities decoded, then pandoc's and mdBook's forms."""
    text = unescapeAll(info).strip()
    raw = _RAW.match(text)
    if raw:
        return Info(None, raw_format=raw.group('format').lower())
    brace = re.search(r'\{([^{}]*)\}\s*$', text)
    identifier = None
    if brace:  # python {.numberLines}, {.python .numberLines}, Quarto's {python}
        attrs = attributes.parse(brace.group(1))
        names = text[:brace.start()].replace(',', ' ').split() + attrs.classes
        identifier = attrs.id
    else:  # CommonMark: the first word is the language; mdBook adds classes after commas
        first, *rest = text.split(maxsplit=1) or ['']
        names = first.split(',') + (rest[0].split() if rest else [])
    language = names[0] if names and names[0] else None
    classes = tuple(n for n in names[1:] if _CLASS.match(n))
    return Info(language, classes, identifier)


class _LanguageFormatter(HtmlFormatter):  # type: ignore[type-arg]
    """Pygments' HTML with the language on ``<code>``, as Python-Markdown's docs show."""

    def __init__(self, language: str | None, **options: Any) -> None:
        super().__init__(**options)
        self.language = language

    def _wrap_code(self, inner: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        name = f' class="language-{html.escape(self.language)}"' if self.language else ''
        yield 0, f'<code{name}>'
        yield from inner
        yield 0, '</code>'


# A fence's opening line (or a closing one, or one inside code: warming a lexer too many is harmless).
_FENCE = re.compile(r'^ {0,3}(?:`{3,}|~{3,})([^`\n]*)$', re.MULTILINE)


def warm_lexers(markdown: str) -> None:
    """Make the lexers of the languages ``markdown``'s fences name: Pygments compiles a lexer's
    patterns the first time one is made, in each process. Conversion workers forked after
    this share them instead of each compiling its own."""
    for language in sorted({read_info(m.group(1)).language or 'text' for m in _FENCE.finditer(markdown)}):
        with contextlib.suppress(ClassNotFound):
            get_lexer_by_name(language.lower())


def render_code(code: str, info: Info) -> str:
    """A code block as highlighted HTML: ``<div class="highlight"><pre><code>...``."""
    try:
        lexer = get_lexer_by_name((info.language or 'text').lower(), stripnl=False, ensurenl=True)
    except ClassNotFound:
        lexer = get_lexer_by_name('text', stripnl=False, ensurenl=True)
    css = ' '.join([*info.classes, 'highlight'])
    formatter = _LanguageFormatter(info.language, cssclass=css, wrapcode=True)
    out: str = highlight(code, lexer, formatter)
    if info.id:
        out = out.replace('<div ', f'<div id="{html.escape(info.id)}" ', 1)
    return out


# rustdoc's hidden lines as mdBook reads them: '#' alone or '# ' hides the line, '##' shows
# a literal '#', and '#!' or '#[' (attributes) stay.
_RUST_HIDDEN = re.compile(r'^(\s*)#(.?)(.*)$')
_HIDELINES = re.compile(r'(?:^|[\s,])hidelines=(\S+)')


def hide_lines(code: str, info: Info, info_string: str, prefixes: Mapping[str, str]) -> str:
    """The code of an mdBook's block as mdBook shows it: a Rust block without rustdoc's hidden
    lines; another without the lines that start with its prefix (the block's own
    ``hidelines=X``, else the one book.toml gives its language in ``prefixes``)."""
    lines = code.split('\n')
    if info.language == 'rust':
        shown = []
        for line in lines:
            match = _RUST_HIDDEN.match(line)
            if match is None or match.group(2) not in ('', ' ', '#'):
                shown.append(line)
            elif match.group(2) == '#':
                shown.append(f'{match.group(1)}#{match.group(3)}')
        return '\n'.join(shown)
    own = _HIDELINES.search(info_string)
    prefix = own.group(1) if own else prefixes.get(info.language or '')
    if not prefix:
        return code
    return '\n'.join(line for line in lines if not line.lstrip().startswith(prefix))


def is_html(info: Info) -> bool:
    return info.raw_format in HTML_FORMATS
