"""YAML read the way a book's metadata needs it: bounded, located, and never a traceback.

PyYAML's safe loader is safe from code, not from size or surprise:

* an alias bomb (a 540-byte block whose nested ``*aliases`` stand for 9^9 items)
  loads as shared references, then expands to gigabytes the moment anything
  walks it (a message, a file name). Here the composed graph is measured first,
  counting every alias as what it stands for; past :data:`MAX_NODES` nodes the
  block is refused at the alias that crossed the line;
* ``2026-02-30`` or a 5,000-digit number raised ``ValueError`` from deep in the
  constructor; each is refused at its own line;
* a key given twice was resolved silently (the last wins): it is a warning at the
  second key's line;
* nesting deeper than Python's stack was a ``RecursionError``.

Every problem comes back as a diagnostic with the file and line; the text is
parsed once, and the line of each top-level key comes with the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from makebook import codes
from makebook.errors import Diagnostic, clip

# More nodes than any book's metadata holds (a chapters: list of 1,000 files is ~3,000).
MAX_NODES = 100_000
# Digits in a number: a series index or a year, never a 5,000-digit literal.
MAX_DIGITS = 64
class _Refused(yaml.YAMLError):
    """A problem with its own message and place (not PyYAML's)."""

    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.problem = message
        self.problem_mark = node.start_mark


class _BookLoader(yaml.SafeLoader):
    """The safe loader, with numbers and dates checked and duplicate keys recorded."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.duplicates: list[tuple[str, int]] = []  # (key, 0-based line of the second one)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        digits = sum(c.isalnum() for c in str(node.value))
        if digits > MAX_DIGITS:
            raise _Refused(f'a number of {digits:,} digits; put it in quotes if it is text', node)
        return super().construct_yaml_int(node)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        if len(str(node.value)) > MAX_DIGITS + 8:
            raise _Refused(f'a number of {len(str(node.value)):,} characters; put it in quotes if it '
                           'is text', node)
        return super().construct_yaml_float(node)

    def construct_yaml_timestamp(self, node: ScalarNode) -> dt.date | dt.datetime:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise _Refused(f"'{clip(node.value)}' is not a real date or time ({exc}); write a date "
                           'that exists (2026-02-28), or quote the value if it is text', node) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                if key_node.value in seen:
                    self.duplicates.append((str(key_node.value), key_node.start_mark.line))
                seen[key_node.value] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


# Dates stay text: make-book checks them itself (config/dates.py), with the key's line.
_BookLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:timestamp']
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for _tag, _method in (('tag:yaml.org,2002:int', _BookLoader.construct_yaml_int),
                      ('tag:yaml.org,2002:float', _BookLoader.construct_yaml_float),
                      ('tag:yaml.org,2002:timestamp', _BookLoader.construct_yaml_timestamp)):
    _BookLoader.add_constructor(_tag, _method)


def _measure(root: Node) -> None:
    """Refuse a graph that stands for more than :data:`MAX_NODES` nodes once its aliases are
    expanded: the expanded size of each node is counted once (linear in the graph)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the current path: meeting one again is a loop
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        if not children_done:
            if id(node) in open_nodes:
                raise _Refused('this value contains itself (an alias inside its own anchor)', node)
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(id(node))
        size = 1 + sum(sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise _Refused(f'this value stands for more than {MAX_NODES:,} items once its aliases '
                           '(*name) are expanded; write the metadata out plainly', node)
        sizes[id(node)] = size


class Lines(dict[str, int]):
    """The (1-based) line of each top-level key, and of any value inside by its path."""

    def __init__(self, node: Node | None = None, offset: int = 0) -> None:
        super().__init__()
        self._node, self._offset = node, offset
        if isinstance(node, MappingNode):
            self.update({str(key.value): key.start_mark.line + 1 + offset for key, _ in node.value})

    def at(self, *path: str | int) -> int | None:
        """The line of the value at ``path`` ('chapters', 3, 'file'): keys of mappings, indexes
        of lists; None when the path leads nowhere."""
        node = self._node
        for step in path:
            if isinstance(node, MappingNode) and isinstance(step, str):
                node = next((value for key, value in reversed(node.value) if key.value == step), None)
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
            else:
                return None
        return None if node is None else node.start_mark.line + 1 + self._offset


# A tab inside a value ('rights: Creative<TAB>Commons'), which pandoc reads and PyYAML refuses.
_INNER_TAB = re.compile(r'(?<=\S)\t+')


def load(text: str, path: Path, line_offset: int = 0
         ) -> tuple[dict[str, Any], Lines, list[Diagnostic]]:
    """The mapping a YAML text holds, the (1-based) line of each key, and every problem.

    Read as pandoc reads metadata: a document opened and closed by '---' lines is one
    document, and a tab inside a value is a space. ``line_offset`` is the number of lines
    in the file before ``text`` (a front-matter block starts after its '---'). A problem
    that stops the reading is an error; a key given twice is a warning (the last one is
    kept, as YAML readers do).
    """
    try:
        return _load(text, path, line_offset)
    except yaml.YAMLError as exc:
        if _INNER_TAB.search(text):
            with contextlib.suppress(yaml.YAMLError):
                return _load(_INNER_TAB.sub(' ', text), path, line_offset)
        mark = getattr(exc, 'problem_mark', None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, 'problem', None) or str(exc).splitlines()[0]
        return {}, Lines(), [codes.YAML_BROKEN(f'broken YAML: {clip(problem, 300)}', path, line)]
    except RecursionError:
        return {}, Lines(), [codes.YAML_BROKEN('broken YAML: nested too deeply', path, line_offset + 1)]


def _load(text: str, path: Path, line_offset: int) -> tuple[dict[str, Any], Lines, list[Diagnostic]]:
    """:func:`load`; raises yaml.YAMLError."""
    loader = _BookLoader(text)
    try:
        nodes = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None and not (isinstance(node, ScalarNode) and node.value == ''):
                nodes.append(node)
        if len(nodes) > 1:
            raise _Refused('the file holds several YAML documents; write one mapping of keys '
                           "(a '---' line starts a new document)", nodes[1])
        if not nodes:
            return {}, Lines(), []
        _measure(nodes[0])
        data = loader.construct_document(nodes[0])
    finally:
        loader.dispose()
    problems = [codes.YAML_DUPLICATE_KEY(f"'{clip(key)}' is given twice; the second one is used",
                                         path, line + 1 + line_offset)
                for key, line in loader.duplicates]
    if data is None:
        return {}, Lines(), problems
    if not isinstance(data, dict):
        return {}, Lines(), [*problems, codes.YAML_NOT_MAPPING(
            'the YAML metadata must be a mapping of keys to values (like "title: My Book"), not '
            f'{_kind(data)}', path, line_offset + 1)]
    return {str(k): v for k, v in data.items()}, Lines(nodes[0], line_offset), problems


def _kind(value: object) -> str:
    return 'a list' if isinstance(value, list) else f'a {type(value).__name__}'
