"""Reading one file of the manuscript: bytes to text, front matter split off and parsed.

Every problem is returned as a diagnostic with the file and line (a file that
cannot be read is left out, and the others are still read).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.errors import BookError, Diagnostic, clip, errors_in
from makebook.model import SourceFile
from makebook.safety import limits, resources
from makebook.source import yamltext

FRONT_MATTER_END = re.compile(r'^(---|\.\.\.)\s*$')


def read_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    with limits.working_on(path):  # named if the build's time or memory runs out here
        return _read_source(path, root)


def _read_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    name = path.relative_to(root).as_posix()
    try:
        text = resources.read_text(path, 'chapter')
    except resources.Unreadable as exc:
        return None, [exc.diagnostic(path)]
    front_matter: Mapping[str, Any] = {}
    key_lines: Mapping[str, int] = {}
    first_line = 1
    problems: list[Diagnostic] = []
    lines = text.split('\n')
    after_comments = _after_leading_comments(lines)
    if after_comments:
        # Pandoc reads a YAML block anywhere; books put a licence comment above theirs.
        block = _closed_block(lines, after_comments, path)
        if block is not None:
            close, keys, lines_of_keys = block
            return SourceFile(path=path, name=name, markdown='\n'.join(lines[close + 1:]),
                              first_line=close + 2, front_matter=keys, front_matter_lines=lines_of_keys), []
    if lines and lines[0].rstrip() == '---':
        end = next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
        if end is None:
            return None, [codes.YAML_UNCLOSED("the YAML block opened by '---' is never closed", path, 1)]
        front_matter, key_lines, problems = yamltext.load('\n'.join(lines[1:end]), path, line_offset=1)
        if errors_in(problems):
            return None, problems
        text = '\n'.join(lines[end + 1:])
        first_line = end + 2
    elif lines and _TITLE_BLOCK.match(lines[0]):
        end, front_matter, key_lines = _title_block(lines)
        text = '\n'.join(lines[end:])
        first_line = end + 1
    return SourceFile(path=path, name=name, markdown=text, first_line=first_line,
                      front_matter=front_matter, front_matter_lines=key_lines), problems


_TITLE_BLOCK = re.compile(r'^%(?:\s|$)')
_ISO_DATE = re.compile(r'\d{4}(?:-\d{2}(?:-\d{2})?)?')


def _title_block(lines: list[str]) -> tuple[int, dict[str, Any], dict[str, int]]:
    """Pandoc's title block: up to three '%' lines opening the file (title, authors separated
    by ';', date), each continued by indented lines; the old rustbook and many pandoc books
    title every chapter file so ('% Вектора'). Returns (index of the first line after it, its
    keys, the line of each). A date that is not ISO 8601 is left out, not refused."""
    fields: list[tuple[str, int]] = []
    index = 0
    while index < len(lines) and len(fields) < 3 and _TITLE_BLOCK.match(lines[index]):
        start, words = index, [lines[index][1:].strip()]
        index += 1
        while index < len(lines) and lines[index][:1] in (' ', '\t') and lines[index].strip():
            words.append(lines[index].strip())
            index += 1
        fields.append((' '.join(word for word in words if word), start + 1))
    keys: dict[str, Any] = {}
    at: dict[str, int] = {}
    for key, (value, line) in zip(('title', 'author', 'date'), fields, strict=False):
        names = [name.strip() for name in value.split(';') if name.strip()]
        kept: str | list[str] = names if key == 'author' and len(names) > 1 else value
        if value and (key != 'date' or _ISO_DATE.fullmatch(value)):
            keys[key], at[key] = kept, line
    return index, keys, at


def _after_leading_comments(lines: list[str]) -> int:
    """The index of the first line after the HTML comments (and blank lines) a file opens
    with, if it opens with one; else 0."""
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index >= len(lines) or not lines[index].lstrip().startswith('<!--'):
        return 0
    while index < len(lines) and lines[index].lstrip().startswith('<!--'):
        while index < len(lines) and '-->' not in lines[index]:
            index += 1
        index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
    return index


def _closed_block(lines: list[str], start: int,
                  path: Path) -> tuple[int, dict[str, Any], Mapping[str, int]] | None:
    """(index of its closing line, its keys) for a YAML block opened at ``start`` that closes
    and reads as a mapping; None otherwise (then it is the text's: a rule, a setext heading)."""
    if start >= len(lines) or lines[start].rstrip() != '---':
        return None
    end = next((i for i in range(start + 1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
    if end is None:
        return None
    data, key_lines, problems = yamltext.load('\n'.join(lines[start + 1:end]), path, line_offset=start + 1)
    return (end, data, key_lines) if data and not errors_in(problems) else None


def load_yaml_file(path: Path, what: str = 'metadata file'
                   ) -> tuple[dict[str, Any], yamltext.Lines, list[Diagnostic]]:
    """The mapping in a YAML file (metadata.yaml), the line of each key, and every problem."""
    try:
        text = resources.read_text(path, what)
    except resources.Unreadable as exc:
        return {}, yamltext.Lines(), [exc.diagnostic(path)]
    if path.suffix.lower() == '.json':
        # JSON is YAML but for its tabs between tokens (pandoc reads metadata.json too; a
        # raw tab inside a JSON string is not JSON, so every one is whitespace).
        text = text.replace('\t', ' ')
    return yamltext.load(text, path)


def modified_time(paths: list[Path]) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest manuscript file's time (UTC, whole seconds)."""
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    if epoch is None:
        times = []
        for path in paths:
            with contextlib.suppress(OSError):
                times.append(int(path.stat().st_mtime))
        return dt.datetime.fromtimestamp(max(times, default=0), tz=dt.UTC)
    try:
        seconds = int(epoch)
    except ValueError:
        reason = 'is not a whole number of seconds'
    else:
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            reason = 'is outside the years a date can hold (1 to 9999)'
    raise BookError(f'SOURCE_DATE_EPOCH={clip(epoch, 40)!r} {reason}',
                    code=codes.BAD_SOURCE_DATE.id)
