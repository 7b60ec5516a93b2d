"""Quarto's and R Markdown's executable code chunks, as a book that does not run them shows them.

A fence opened with the language in braces (```` ```{r} ````, ```` ```{python} ````)
is code Quarto or knitr runs, and whose output it puts in the book. make-book runs
nothing, so:

* the chunk's options (``#| label: fig-x``, ``#| echo: false``, ``#| fig-cap: …``,
  and knitr's ``{r name, echo=FALSE}``) are never shown as code;
* a chunk that only shows images (``knitr::include_graphics("diagrams/x.png")``, how
  R for Data Science draws 67 of its figures) is those images, a figure captioned by
  ``fig-cap`` and with the chunk's ``label`` as its id, so ``@fig-x`` finds it;
* a chunk the reader is not meant to see (``echo: false``, ``include: false``) is left
  out, and its file says once how many were (their output, a plot or a table, is not
  in the book);
* any other chunk is its code, as Quarto shows it.

Lines keep their file and line (``SourceFile.origins``) for every message.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import SourceFile

_OPEN = re.compile(
    r'^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*\{(?P<lang>r|python|julia|ojs)\b(?P<rest>[^}]*)\}\s*$',
    re.IGNORECASE)
_OPTION = re.compile(r'^\s*#\|\s?(.*)$')
_GRAPHICS = re.compile(r'^\s*knitr::include_graphics\(\s*(["\'])(?P<path>[^"\']+)\1[^)]*\)\s*$')
_KNITR_FALSE = re.compile(r'\b(echo|include)\s*=\s*(FALSE|F)\b')

Origin = tuple[Path, int]


def quarto_chunks(source: SourceFile, problems: list[Diagnostic]) -> SourceFile:
    """``source`` with its executable chunks as described above (unchanged when it has none)."""
    lines = source.markdown.split('\n')
    if not any(_OPEN.match(line) for line in lines):
        return source
    origins = list(source.origins) or [(source.path, source.first_line + n) for n in range(len(lines))]
    out: list[str] = []
    out_origins: list[Origin] = []
    hidden: list[int] = []
    index = 0
    while index < len(lines):
        opened = _OPEN.match(lines[index])
        end = _closing(lines, index, opened.group('fence')) if opened else None
        if opened is None or end is None:
            out.append(lines[index])
            out_origins.append(origins[index])
            index += 1
            continue
        body = lines[index + 1:end]
        options, code = _options(body, opened.group('rest'))
        first_code = index + 1 + len(body) - len(code)
        shown = _chunk(opened, options, code)
        if shown is None:
            hidden.append(origins[index][1])
        elif shown:  # images: each at the chunk's first line
            out.extend(shown)
            out_origins.extend([origins[index]] * len(shown))
        else:  # the code as written, each line at its own place, without the options
            out.append(f"{opened.group('indent')}{opened.group('fence')}{opened.group('lang').lower()}")
            out_origins.append(origins[index])
            out.extend(code)
            out_origins.extend(origins[first_code:end])
            out.append(lines[end])
            out_origins.append(origins[end])
        index = end + 1
    if hidden:
        problems.append(codes.CHUNKS_NOT_RUN(
            f"{len(hidden)} code chunk{'s' if len(hidden) > 1 else ''} Quarto or knitr would run and hide "
            f"(echo: false) left out; make-book runs no code, so what {'they' if len(hidden) > 1 else 'it'} "
            'would draw or print is not in the book', source.path, hidden[0]))
    return replace(source, markdown='\n'.join(out), origins=tuple(out_origins))


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
            return index
    return None


def _options(body: list[str], header: str) -> tuple[dict[str, Any], list[str]]:
    """The chunk's options (``#|`` lines, YAML) and its code."""
    count = 0
    while count < len(body) and _OPTION.match(body[count]):
        count += 1
    options: dict[str, Any] = {}
    if count:
        text = '\n'.join(_OPTION.match(line).group(1) for line in body[:count])  # type: ignore[union-attr]
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError:
            loaded = None
        options = loaded if isinstance(loaded, dict) else {}
    for name, _ in _KNITR_FALSE.findall(header):  # {r setup, include=FALSE}
        options[name] = False
    return options, body[count:]


def _chunk(opened: re.Match[str], options: dict[str, Any], code: list[str]) -> list[str] | None:
    """The Markdown of the images a chunk shows, None when it is left out, [] to show its code."""
    images = [_GRAPHICS.match(line) for line in code if line.strip()]
    if images and all(images):
        label = str(options.get('label') or '')
        caption = ' '.join(str(options.get('fig-cap') or options.get('fig-alt') or '').split())
        attributes = f'{{#{label}}}' if re.fullmatch(r'fig-[\w-]+', label) else ''
        shown: list[str] = []
        for number, found in enumerate(images):
            assert found is not None
            words = caption.replace('[', '\\[').replace(']', '\\]') if number == 0 else ''
            shown += [f'![{words}]({found.group("path")}){attributes if number == 0 else ""}', '']
        return shown
    if options.get('echo') is False or options.get('include') is False:
        return None
    return []
