"""mdBook's includes, expanded with a source map.

``{{#include file}}``, ``{{#include file:anchor}}``, ``{{#include file:2:5}}``
and ``{{#rustdoc_include ...}}`` (the same, keeping every line) are expanded
inside the book folder only, through the one resolver (safety/resources.py).
The expanded text keeps a map from each of its lines to the file and line it
was written on, so a problem found later in included text names the included
file and its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from makebook import codes
from makebook.errors import Diagnostic, clip
from makebook.safety import resources

_INCLUDE = re.compile(r'\{\{#(?P<kind>include|rustdoc_include)\s+(?P<arg>[^}\s]+)\s*\}\}')
_ANCHOR_START = re.compile(r'ANCHOR:\s*(?P<name>[\w-]+)')
_ANCHOR_END = re.compile(r'ANCHOR_END:\s*(?P<name>[\w-]+)')

Origin = tuple[Path, int]  # the file and line a line of expanded text was written on


# What the includes of a whole build may add up to: a book, not a bomb (eight files that
# each include the next four times stand for 4^8 copies of the last one).
MAX_EXPANDED_BYTES = 16 * 1024 * 1024


@dataclass
class Budget:
    """What the includes of one build may still add, and each file read once."""

    remaining: int = MAX_EXPANDED_BYTES
    exhausted: bool = False
    files: dict[Path, str | resources.Unreadable] = field(default_factory=dict)
    # Each (name, folder) resolved once: a file included thousands of times is looked up once.
    resolved: dict[tuple[str, str], Path | resources.Refused] = field(default_factory=dict)

    def resolve(self, name: str, base: str, root: Path) -> Path:
        """The included file ``name`` written in the book's folder ``base``. Raises Refused."""
        key = (name, base)
        if key not in self.resolved:
            try:
                self.resolved[key] = resources.resolve(name, base, resources.Confinement.of([root]))[1]
            except resources.Refused as exc:
                self.resolved[key] = exc
        found = self.resolved[key]
        if isinstance(found, resources.Refused):
            raise found
        return found

    def read(self, path: Path) -> str:
        """The included file's text (read once a build). Raises Unreadable."""
        if path not in self.files:
            try:
                self.files[path] = resources.read_text(path, 'included file')
            except resources.Unreadable as exc:
                self.files[path] = exc
        found = self.files[path]
        if isinstance(found, resources.Unreadable):
            raise found
        return found


def expand_includes(text: str, path: Path, root: Path, problems: list[Diagnostic],
                    depth: int = 0, budget: Budget | None = None) -> str:
    """mdBook's ``{{#include file}}``, ``{{#include file:anchor}}``, ``{{#include file:2:5}}``
    and ``{{#rustdoc_include ...}}`` (the same, keeping every line), inside ``root`` only."""
    origins = [(path, number) for number in range(1, text.count('\n') + 2)]
    return expand_includes_mapped(text, origins, root, problems, depth, budget)[0]


def expand_includes_mapped(text: str, origins: list[Origin], root: Path,
                           problems: list[Diagnostic], depth: int = 0, budget: Budget | None = None,
                           within: tuple[Path, ...] = ()) -> tuple[str, list[Origin]]:
    """:func:`expand_includes` with a source map: ``origins`` gives the file and line of each
    line of ``text``; the result's map gives them for each line of the expanded text, so a
    problem found later in included text names the included file and its own line.

    ``budget`` bounds what the includes of the whole build may add (one is made when none
    is given); past it, an include is an error at its line and the rest are left out.
    ``within``: the files whose includes are being expanded (the text's own file when not
    given): a file that would include one of them is a loop, an error at its line.
    """
    budget = budget if budget is not None else Budget()
    within = within or tuple(dict.fromkeys(path for path, _ in origins[:1]))
    out = _MappedText()
    position = line = 0  # where the text not yet emitted starts, and its line (0-based)
    for match in _INCLUDE.finditer(text):
        out.emit(text[position:match.start()], origins, line)
        line += text.count('\n', position, match.start())
        position = match.end()
        included = _include(match, origins[line], root, problems, depth, budget, within)
        if included is not None:
            out.emit(*included, 0)
        line += text.count('\n', match.start(), match.end())
    out.emit(text[position:], origins, line)
    return ''.join(out.parts), out.origins


class _MappedText:
    """Text built from pieces, with the origin of each of its lines (that of its first
    character: a line that starts before an include is the including file's)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origins: list[Origin] = []
        self._line_empty = True

    def emit(self, chunk: str, origins: list[Origin], first: int) -> None:
        """Add ``chunk``, whose first line was written where ``origins[first]`` says."""
        if not chunk:
            return
        lines = chunk.count('\n') + 1
        if not self.origins:
            self.origins.append(origins[first])
        elif self._line_empty and not chunk.startswith('\n'):
            self.origins[-1] = origins[first]
        self.origins.extend(origins[first + 1:first + lines])
        self._line_empty = chunk.endswith('\n')
        self.parts.append(chunk)


def _include(match: re.Match[str], where: Origin, root: Path, problems: list[Diagnostic],
             depth: int, budget: Budget, within: tuple[Path, ...] = ()) -> tuple[str, list[Origin]] | None:
    """The expanded text (and its map) one include directive stands for; None on a problem."""
    path, line = where
    if budget.exhausted:
        return None  # said once already
    name, _, selector = match.group('arg').partition(':')
    # The one resolver (safety/resources.py): no absolute paths, no '..' or symlink out of the book.
    base = path.parent.relative_to(root).as_posix() if path.parent.is_relative_to(root) else ''
    try:
        target = budget.resolve(name, '' if base == '.' else base, root)
    except resources.Refused as exc:
        message = (f"'{clip(name)}': no such file to include" if str(exc).startswith('no such')
                   else f"'{clip(name)}': an include must stay inside the book folder ({exc})")
        problems.append(codes.INCLUDE_REFUSED(message, path, line))
        return None
    if target in within:  # a file that includes itself, or one that includes it: 4^9 copies before
        loop = ' -> '.join(item.name for item in (*within[within.index(target):], target))
        problems.append(codes.INCLUDE_TOO_DEEP(f"'{clip(name)}': includes go round in a loop ({clip(loop)}); "
                                               'it is left out here', path, line))
        return None
    if depth > 8:
        problems.append(codes.INCLUDE_TOO_DEEP(f"'{clip(name)}': includes nested too deep (a loop?)",
                                               path, line))
        return None
    try:
        included = budget.read(target)
    except resources.Unreadable as exc:
        problems.append(exc.diagnostic(target) if exc.line is not None else
                        codes.INCLUDE_REFUSED(f"'{clip(name)}': {exc}", path, line))
        return None
    chosen = _select(included, selector)
    if chosen is None:
        problems.append(codes.INCLUDE_NOT_FOUND(f"'{clip(match.group('arg'))}': no such anchor or lines",
                                                path, line))
        return None
    size = sum(len(text) + 1 for _, text in chosen)
    if size > budget.remaining:
        budget.exhausted = True
        problems.append(codes.INCLUDE_TOO_LARGE(
            f"'{clip(name)}': the includes of this book add up to more than "
            f'{MAX_EXPANDED_BYTES // (1024 * 1024)} MB (files that include each other many times?); '
            'the rest are left out', path, line))
        return None
    budget.remaining -= size
    return expand_includes_mapped('\n'.join(text for _, text in chosen),
                                  [(target, number) for number, _ in chosen] or [where],
                                  root, problems, depth + 1, budget, (*within, target))


def _select(text: str, selector: str) -> list[tuple[int, str]] | None:
    """The chosen lines of an included file, each with its line number there."""
    lines = list(enumerate(text.split('\n'), start=1))
    if not selector:
        chosen = lines
    elif re.fullmatch(r'\d*(:\d*)?', selector):
        start, _, end = selector.partition(':')
        first = int(start) - 1 if start else 0
        last = int(end) if end else (len(lines) if ':' in selector or not start else first + 1)
        chosen = lines[first:last]
    else:
        inside, chosen, found = False, [], False
        for number, line in lines:
            opens, closes = _ANCHOR_START.search(line), _ANCHOR_END.search(line)
            if opens and opens.group('name') == selector:
                inside, found = True, True
            elif closes and closes.group('name') == selector:
                inside = False
            elif inside:
                chosen.append((number, line))
        if not found:
            return None
    # Other anchors' markers never show in the book; blank lines at either end are dropped.
    chosen = [(n, line) for n, line in chosen
              if not (_ANCHOR_START.search(line) or _ANCHOR_END.search(line))]
    while chosen and chosen[0][1] == '':
        chosen.pop(0)
    while chosen and chosen[-1][1] == '':
        chosen.pop()
    return chosen
