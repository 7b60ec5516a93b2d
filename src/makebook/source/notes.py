"""Footnotes whose note is written in another file than their call.

Pandoc joins its input files into one document before it reads them, so a book
built with it may call a note in one chapter and define it in another (all the
notes of Tholonia, 446 of them, sit in a last ``References`` file). Read one
file at a time, each such call would have no note. :func:`share_notes` gives
every call with no note in its own file the note of that label from the one
other file that defines it, or, as pandoc keeps the first of two definitions,
from the first in reading order: the note's lines are copied to the end of the
calling file (keeping their own file and line for messages), and left as blank
lines where they were unless that file calls the note too (Tholonia writes many
notes twice, in their chapter and in the References file).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from makebook.model import SourceFile

# A note's label: no ']' or space, and no '[^' (where another call begins: so a run of '[^x'
# with no ']' is read once, not again from each '[^', which took the square of the run's length).
# render/repairs.py reads a call left as text by it too.
LABEL = r'((?:[^\]\s\[]|\[(?!\^))+)'
_DEFINITION = re.compile(r'^ {0,3}\[\^' + LABEL + r'\]:')
_REFERENCE = re.compile(r'\[\^' + LABEL + r'\](?!:)')
_FENCE = re.compile(r'^ {0,3}(`{3,}|~{3,})')

Origin = tuple[Path, int]


def share_notes(files: list[SourceFile]) -> list[SourceFile]:
    """``files`` with each call whose note is in another file given that note (above)."""
    lines = [source.markdown.split('\n') for source in files]
    blocks = [_definitions(text) for text in lines]
    calls = [_calls(text) for text in lines]
    owners: dict[str, list[int]] = {}
    for index, found in enumerate(blocks):
        for label in found:
            owners.setdefault(label, []).append(index)
    wanted: dict[int, list[tuple[int, str]]] = {}  # calling file -> (defining file, label)
    for index, labels in enumerate(calls):
        for label in sorted(labels - blocks[index].keys()):
            defined_in = owners.get(label, [])
            if defined_in:
                wanted.setdefault(index, []).append((defined_in[0], label))
    if not wanted:
        return files
    moved: dict[int, set[str]] = {}  # defining file -> labels taken out of it
    result = list(files)
    for index, notes in wanted.items():
        source = files[index]
        text = list(lines[index])
        origins = list(_origins(source))
        for owner, label in notes:
            start, end = blocks[owner][label]
            text.append('')
            origins.append(origins[-1] if origins else (source.path, source.first_line))
            owner_origins = _origins(files[owner])
            text.extend(lines[owner][start:end])
            origins.extend(owner_origins[start:end])
            if label not in calls[owner]:
                moved.setdefault(owner, set()).add(label)
        result[index] = replace(source, markdown='\n'.join(text), origins=tuple(origins))
    for owner, labels in moved.items():
        text = list(lines[owner])
        for label in labels:
            start, end = blocks[owner][label]
            text[start:end] = [''] * (end - start)  # the same number of lines: the others keep theirs
        base = result[owner]
        result[owner] = replace(base, markdown='\n'.join(text))
    return result


def _origins(source: SourceFile) -> list[Origin]:
    if source.origins:
        return list(source.origins)
    return [(source.path, source.first_line + number) for number in range(source.markdown.count('\n') + 1)]


def _definitions(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each note defined in the file: label -> (first line index, index past its last line);
    a note goes on over indented lines, and over lines that continue its paragraph."""
    found: dict[str, tuple[int, int]] = {}
    fence: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            index += 1
            continue
        if opened:
            fence = opened.group(1)
            index += 1
            continue
        match = _DEFINITION.match(line)
        if not match:
            index += 1
            continue
        end = index + 1
        while end < len(lines):
            following = lines[end]
            if _DEFINITION.match(following):
                break
            if not following.strip():
                after = next((n for n in range(end + 1, len(lines)) if lines[n].strip()), None)
                if after is None or not lines[after].startswith(('    ', '\t')):
                    break
            elif not following.startswith((' ', '\t')) and not lines[end - 1].strip():
                break
            end += 1
        found.setdefault(match.group(1), (index, end))
        index = end
    return found


def _calls(lines: list[str]) -> set[str]:
    """The labels the file calls (``[^label]`` not followed by ':'), outside fenced code."""
    labels: set[str] = set()
    fence: str | None = None
    for line in lines:
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        labels.update(match.group(1) for match in _REFERENCE.finditer(line))
    return labels
