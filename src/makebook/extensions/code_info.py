"""Fenced code info strings as pandoc, Quarto and mdBook write them.

``rust,ignore``, ``python {.numberLines}``, ``{.python .numberLines startFrom=3}``:
the first word is the language, the rest become classes. Python-Markdown's
fenced_code only knows a bare word or one ``{...}``, so each opening fence is
rewritten to ``{.lang .class ...}`` before it runs; Pygments (through
codehilite) then highlights with CSS classes, no inline styles and no scripts.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from makebook.extensions import attributes

FENCE_RE = re.compile(r'^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$')


def normalise_info(info: str) -> str:
    """``rust,ignore`` -> ``{.rust .ignore}``; bare words and ``{...}`` merged the same way."""
    brace = re.search(r'\{([^}]*)\}', info)
    head = info[:brace.start()] if brace else info
    words = [w for w in re.split(r'[\s,]+', head.strip()) if w]
    attrs = attributes.parse(brace.group(1) if brace else '')
    if attrs.classes and attrs.classes[0].startswith('='):
        return info  # a raw block, for raw_format
    classes = [re.sub(r'[^\w#+.-]', '-', w) for w in words if '=' not in w] + attrs.classes
    if not classes and not attrs.pairs and not attrs.id:
        return ''
    parts = [f'.{c}' for c in classes]
    if attrs.id:
        parts.insert(0, f'#{attrs.id}')
    parts += [f'{k}="{v}"' for k, v in attrs.pairs.items() if '"' not in v]
    return '{' + ' '.join(parts) + '}'


class CodeInfoPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out = []
        fence: str | None = None
        for line in lines:
            match = FENCE_RE.match(line)
            if match is None:
                out.append(line)
                continue
            if fence is None:
                fence = match.group('fence')
                info = match.group('info')
                simple = re.fullmatch(r'[\w#+.-]*', info)
                if not simple:
                    line = f"{match.group('indent')}{fence} {normalise_info(info)}".rstrip()
            elif match.group('fence')[0] == fence[0] and len(match.group('fence')) >= len(fence) \
                    and not match.group('info'):
                fence = None
            out.append(line)
        return out


class CodeInfoExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        """Register the preprocessor.

        | Class instance         | Registry      | Name        | Priority |
        | ---------------------- | ------------- | ----------- | :------: |
        | `CodeInfoPreprocessor` | preprocessors | `code_info` | `27`     |

        After 'raw_block' (29), which takes the ``{=format}`` fences, and
        before 'fenced_code_block' (25), which reads what this writes.
        """
        md.preprocessors.register(CodeInfoPreprocessor(md), 'code_info', 27)


def makeExtension(**kwargs: object) -> CodeInfoExtension:
    return CodeInfoExtension(**kwargs)
