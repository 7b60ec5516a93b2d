"""The ``make-book:`` key of the metadata: how to build this book, kept with the book.

::

    make-book:
      output: dist               # the output folder, relative to the folder holding the manuscript
      formats: [epub, html]      # or "epub,html"; default: all three
      strict: true               # warnings fail the build (as --strict)
      trim-size: 6x9             # the print settings may live here too: trim-size, notes,
      notes: chapter-endnotes    # pdf-variant, print-ready (they win over the top-level keys)
      ignore:                    # warnings this book does not want to hear about
        - MB424                  #   everywhere
        - {code: MB426, files: "notes/*.md"}   # or in some files only (a glob)

The command line overrides every one of these. Problems are reported like any
other metadata problem, at the key's line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.config.print_settings import Complain
from makebook.errors import Severity, clip
from makebook.model import FORMATS, BuildSettings, Ignore

KEY = 'make-book'
# Print settings that may live under make-book: as well as at the top level of the metadata.
PRINT_KEYS = ('trim-size', 'notes', 'pdf-variant', 'print-ready')
BUILD_KEYS = ('output', 'formats', 'strict', 'ignore')


def print_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """The print settings given under ``make-book:`` (they win over the top-level keys)."""
    settings = data.get(KEY)
    if not isinstance(settings, Mapping):
        return {}
    return {key: settings[key] for key in PRINT_KEYS if key in settings}


def read_settings(data: Mapping[str, Any], project: Path, complain: Complain) -> BuildSettings:
    """The ``make-book:`` key of ``data``; relative paths resolve against ``project``."""
    settings = data.get(KEY)
    if settings is None:
        return BuildSettings()
    if not isinstance(settings, Mapping):
        complain(KEY, 'expected a mapping of settings, such as "make-book: {formats: [epub]}"')
        return BuildSettings()
    for key in settings:
        if str(key) not in (*BUILD_KEYS, *PRINT_KEYS):
            close = difflib.get_close_matches(str(key), (*BUILD_KEYS, *PRINT_KEYS), n=1)
            advice = f"; did you mean '{close[0]}'?" if close else \
                f'; the settings are {", ".join((*BUILD_KEYS, *PRINT_KEYS))}'
            complain(KEY, f"unknown setting '{key}'{advice}", codes.UNKNOWN_SETTING)
    return BuildSettings(output=_output(settings, project, complain),
                         formats=_formats(settings, complain),
                         strict=_flag(settings, 'strict', complain),
                         ignore=_ignores(settings.get('ignore'), complain))


def _output(settings: Mapping[str, Any], project: Path, complain: Complain) -> Path | None:
    value = settings.get('output')
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        complain(KEY, "'output' is a folder name, such as 'build' or 'dist'")
        return None
    folder = Path(value.strip())
    if folder.is_absolute() or '..' in folder.parts or folder.parts[0].startswith('~'):
        # A manuscript from elsewhere must not choose where on the machine its build writes
        # ('output: /srv/www' or '../../.config'): only the person running make-book does, with -o.
        complain(KEY, f"'output' '{clip(value)}' is not a folder inside the project's folder, so it is "
                      'not used (a book may only name a folder beside its manuscript; pass -o to write '
                      'elsewhere)', codes.UNKNOWN_SETTING)
        return None
    return project / folder


def _formats(settings: Mapping[str, Any], complain: Complain) -> tuple[str, ...] | None:
    value = settings.get('formats')
    if value is None:
        return None
    items = value.split(',') if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        complain(KEY, "'formats' is a list such as [epub, pdf] or the text 'epub,pdf'")
        return None
    asked = {item.strip().lower() for item in items if item.strip()}
    unknown = sorted(asked - set(FORMATS))
    if unknown or not asked:
        complain(KEY, f"'formats': unknown format {', '.join(unknown) or '(none)'}; "
                      f'choose from {", ".join(FORMATS)}', codes.NOT_A_CHOICE)
        return None
    return tuple(name for name in FORMATS if name in asked)


def _flag(settings: Mapping[str, Any], key: str, complain: Complain) -> bool | None:
    value = settings.get(key)
    if value is None or isinstance(value, bool):
        return value
    complain(KEY, f"'{key}' is true or false")
    return None


def _ignores(value: Any, complain: Complain) -> tuple[Ignore, ...]:
    if value is None:
        return ()
    found = []
    for item in value if isinstance(value, list) else [value]:
        code = item.get('code') if isinstance(item, Mapping) else item
        files = item.get('files') if isinstance(item, Mapping) else None
        if not isinstance(code, str) or (files is not None and not isinstance(files, str)):
            complain(KEY, "'ignore' lists codes (MB424) or {code: MB424, files: \"notes/*.md\"}")
            continue
        code = code.strip().upper()
        known = codes.ALL.get(code)
        if known is None:
            complain(KEY, f"'ignore': {code} is not a make-book code (see README, Codes)",
                     codes.UNKNOWN_SETTING)
        elif known.severity is not Severity.WARNING:
            complain(KEY, f"'ignore': {code} is an error, and errors cannot be ignored: "
                          'the book cannot be made with it', codes.UNKNOWN_SETTING)
        else:
            found.append(Ignore(code, files.strip() if files else None))
    return tuple(found)
