"""Extra stylesheets named in the metadata, added after the theme's own.

``css:`` names stylesheets applied to all three editions; ``epub-css:``,
``print-css:`` and ``web-css:`` name stylesheets for one edition. Each value is
a path or a list of paths, relative to the folder of the file holding the
metadata and inside the manuscript folder: they go through the one resolver
(safety/resources.py), so an absolute path, a ``file:`` or ``http:`` URL, a ``..``
that climbs out or a symbolic link pointing outside is an error naming the
metadata line.

A stylesheet is data from the manuscript like any other: every ``url()`` and
``@import`` in it is found (tinycss2) and must be a ``#fragment`` or a small
``data:`` URL. Loading other files is refused with the stylesheet's file and
line, because the sheet is copied to a different place in each edition (the
EPUB's ``styles/``, the web folder, a string handed to WeasyPrint), where a
relative path would point somewhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.config.print_settings import Complain
from makebook.errors import Diagnostic, clip
from makebook.model import Stylesheet
from makebook.safety import resources

# Metadata key -> the editions its stylesheets apply to.
KEYS: Mapping[str, tuple[str, ...]] = {
    'css': ('epub', 'print', 'web'),
    'epub-css': ('epub',),
    'print-css': ('print',),
    'web-css': ('web',),
}
SIZE_LIMIT = 1024 * 1024  # bytes: a stylesheet, not a font smuggled in as data: URLs


def read_stylesheets(data: Mapping[str, Any], root: Path | None,
                     complain: Complain) -> tuple[tuple[Stylesheet, ...], list[Diagnostic]]:
    """The stylesheets the metadata names; path problems go to ``complain(key, message)``
    (the metadata's file and line), problems inside a sheet are returned with its own."""
    sheets: list[Stylesheet] = []
    problems: list[Diagnostic] = []
    for key, editions in KEYS.items():
        value = data.get(key)
        if value is None:
            continue
        names = value if isinstance(value, list) else [value]
        if root is None or not all(isinstance(n, str) and n.strip() for n in names):
            complain(key, 'expected a stylesheet path or a list of them')
            continue
        for name in names:
            sheet = _read(name.strip(), root, editions, key, complain, problems)
            if sheet is not None:
                sheets.append(sheet)
    return tuple(sheets), problems


def _read(name: str, root: Path, editions: tuple[str, ...], key: str,
          complain: Complain, problems: list[Diagnostic]) -> Stylesheet | None:
    confinement = resources.Confinement.of([root])
    if resources.scheme(name) in ('http', 'https', 'ftp') or name.startswith('//'):
        complain(key, f"'{clip(name)}': stylesheets are never downloaded (not even with "
                      '--allow-remote); save it in the manuscript folder', codes.BAD_STYLESHEET)
        return None
    try:
        relative, path = resources.resolve(name, '', confinement, 'stylesheet')
    except resources.Refused as exc:
        complain(key, f"'{clip(name)}': {exc}", codes.BAD_STYLESHEET)
        return None
    if path.suffix.lower() != '.css':
        complain(key, f"'{clip(name)}' is not a .css file", codes.BAD_STYLESHEET)
        return None
    try:
        css = resources.read_text(path, 'stylesheet', SIZE_LIMIT)
    except resources.Unreadable as exc:
        complain(key, f"'{clip(name)}': {exc}", codes.BAD_STYLESHEET)
        return None
    import tinycss2  # WeasyPrint's CSS parser

    found = False
    for node in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if node.type == 'error':  # EPUBCheck and readers would choke on it too
            problems.append(codes.CSS_SYNTAX(f'CSS syntax error: {node.message}', path, node.source_line))
            found = True
    for url, line in resources.css_references(css):
        if url.startswith('#'):
            continue
        problem: str | None
        if resources.computed_reference(url):
            problem = resources.COMPUTED_HINT
        elif resources.scheme(url) == 'data':
            problem = resources.data_image_problem(url)
        else:
            problem = ('an extra stylesheet may load only small data: URLs, no files or '
                       'addresses (it is copied to a different place in each edition)')
        if problem:
            problems.append(codes.STYLESHEET_LOADS(f"'{url[:80]}': {problem}", path, line))
            found = True
    return None if found else Stylesheet(relative, css, editions)


def css_for(sheets: tuple[Stylesheet, ...], edition: str) -> str:
    """The extra CSS for ``edition`` ('epub', 'print', 'web'), in the order named."""
    return ''.join(f"\n/* {sheet.name.replace('*/', '* /')} */\n{sheet.css}\n" for sheet in sheets
                   if edition in sheet.editions)
