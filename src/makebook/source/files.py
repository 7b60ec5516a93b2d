"""Reading one file of the manuscript: bytes to text, front matter split off and parsed.

Every problem is returned as a diagnostic with the file and line (a file that
cannot be read is left out, and the others are still read).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from makebook import codes
from makebook.errors import BookError, Diagnostic
from makebook.model import SourceFile

FRONT_MATTER_END = re.compile(r'^(---|\.\.\.)\s*$')


def read_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    name = path.relative_to(root).as_posix()
    raw = path.read_bytes()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b'\n') + 1
        return None, [codes.NOT_UTF8(f'not valid UTF-8 (byte {exc.start}, value 0x{raw[exc.start]:02x}); '
                                     'save the file as UTF-8', path, line)]
    text = text.removeprefix('\ufeff').replace('\r\n', '\n').replace('\r', '\n')
    front_matter: Mapping[str, Any] = {}
    first_line = 1
    lines = text.split('\n')
    after_comments = _after_leading_comments(lines)
    if after_comments:
        # Pandoc reads a YAML block anywhere; books put a licence comment above theirs.
        block = _closed_block(lines, after_comments)
        if block is not None:
            close, keys = block
            return SourceFile(path=path, name=name, markdown='\n'.join(lines[close + 1:]),
                              first_line=close + 2, front_matter=keys), []
    if lines and lines[0].rstrip() == '---':
        end = next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
        if end is None:
            return None, [codes.YAML_UNCLOSED("the YAML block opened by '---' is never closed", path, 1)]
        data, problems = _parse_yaml('\n'.join(lines[1:end]), path, line_offset=1)
        if problems:
            return None, problems
        front_matter = data
        text = '\n'.join(lines[end + 1:])
        first_line = end + 2
    return SourceFile(path=path, name=name, markdown=text, first_line=first_line,
                      front_matter=front_matter), []


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


def _closed_block(lines: list[str], start: int) -> tuple[int, dict[str, Any]] | None:
    """(index of its closing line, its keys) for a YAML block opened at ``start`` that closes
    and reads as a mapping; None otherwise (then it is the text's: a rule, a setext heading)."""
    if start >= len(lines) or lines[start].rstrip() != '---':
        return None
    end = next((i for i in range(start + 1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)
    if end is None:
        return None
    try:
        data = load_yaml('\n'.join(lines[start + 1:end]))
    except yaml.YAMLError:
        return None
    return (end, {str(k): v for k, v in data.items()}) if isinstance(data, dict) and data else None


class MetadataLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with dates left as text: make-book checks them itself
    (config/dates.py), so 'date: 2026-02-30' is a message with its line, not a crash."""


MetadataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:timestamp']
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

# A tab inside a value ('rights: Creative<TAB>Commons'), which pandoc reads and PyYAML refuses.
_INNER_TAB = re.compile(r'(?<=\S)\t+')


def load_yaml(text: str) -> Any:
    """The YAML document in ``text``, read as pandoc reads metadata: a document opened and
    closed by '---' lines (pandoc-book-template's metadata.yaml) is one document, and a tab
    inside a value is a space. Raises yaml.YAMLError."""
    try:
        documents = [d for d in yaml.load_all(text, Loader=MetadataLoader) if d is not None]
    except yaml.YAMLError:
        if not _INNER_TAB.search(text):
            raise
        documents = [d for d in yaml.load_all(_INNER_TAB.sub(' ', text), Loader=MetadataLoader)
                     if d is not None]
    if len(documents) > 1:
        raise yaml.YAMLError('the file holds several YAML documents; write one mapping of keys '
                             "(a '---' line starts a new document)")
    return documents[0] if documents else None


def _parse_yaml(text: str, path: Path, line_offset: int) -> tuple[dict[str, Any], list[Diagnostic]]:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, 'problem', None) or str(exc).splitlines()[0]
        return {}, [codes.YAML_BROKEN(f'broken YAML: {problem}', path, line)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [codes.YAML_NOT_MAPPING('the YAML metadata must be a mapping of keys to values '
                                           f'(like "title: My Book"), not a {type(data).__name__}',
                                           path, line_offset + 1)]
    return {str(k): v for k, v in data.items()}, []


def load_yaml_file(path: Path) -> tuple[dict[str, Any], dict[str, int], list[Diagnostic]]:
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError:
        return {}, {}, [codes.NOT_UTF8('not valid UTF-8', path)]
    data, problems = _parse_yaml(text, path, line_offset=0)
    return data, key_lines(path), problems


def key_lines(path: Path) -> dict[str, int]:
    """Line number of each top-level key of the YAML at the top of ``path``."""
    text = path.read_text(encoding='utf-8').removeprefix('\ufeff')
    offset = 0
    if path.suffix not in ('.yaml', '.yml'):  # a chapter's front matter, not a metadata file
        lines = text.replace('\r\n', '\n').split('\n')
        start = _after_leading_comments(lines)  # the block may follow a licence comment
        end = next((i for i in range(start + 1, len(lines)) if FRONT_MATTER_END.match(lines[i])), start + 1)
        text = '\n'.join(lines[start + 1:end])
        offset = start + 1
    try:
        node = next((n for n in yaml.compose_all(_INNER_TAB.sub(' ', text), Loader=MetadataLoader)
                     if n is not None), None)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 + offset for key, _ in node.value}


def modified_time(paths: list[Path]) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest manuscript file's time (UTC, whole seconds)."""
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    if epoch is not None:
        try:
            seconds = int(epoch)
        except ValueError:
            raise BookError(f'SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds',
                            code=codes.BAD_SOURCE_DATE.id) from None
    else:
        seconds = int(max(p.stat().st_mtime for p in paths))
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
