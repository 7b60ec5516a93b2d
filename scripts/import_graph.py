"""Print make-book's import graph between its top-level parts, and every import cycle.

    python scripts/import_graph.py [SRC]      # default: src/ of this checkout

A part is a top-level module or package of ``makebook`` (``makebook.render``,
``makebook.model``...). Every import counts, at the top of a module or inside a
function. Prints each part with the parts it imports, then the cycles (strongly
connected groups of more than one part). Run it on an older checkout to see the
picture before a change.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def part_of(module: str) -> str | None:
    pieces = module.split('.')
    return '.'.join(pieces[:2]) if pieces[0] == 'makebook' and len(pieces) > 1 else None


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix('').parts)
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imports(path: Path, name: str) -> set[str]:
    found: set[str] = set()
    package = name if path.name == '__init__.py' else name.rpartition('.')[0]
    for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                anchor = package.split('.')[: len(package.split('.')) - node.level + 1]
                base = '.'.join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f'{base}.{alias.name}' for alias in node.names)
    return found


def graph(src: Path) -> dict[str, set[str]]:
    paths = sorted((src / 'makebook').rglob('*.py'))
    parts = {part_of(module_name(path, src)) for path in paths} - {None}
    edges: dict[str, set[str]] = {}
    for path in paths:
        name = module_name(path, src)
        source = part_of(name)
        if source is None:
            continue
        # A name imported from a package ('from makebook import __version__') is no part.
        targets = {part_of(m) for m in imports(path, name)} & parts
        edges.setdefault(source, set()).update(t for t in targets if t is not None and t != source)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one member."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / 'src'
    edges = graph(src)
    for source in sorted(edges):
        short = sorted(t.removeprefix('makebook.') for t in edges[source])
        print(f'{source.removeprefix("makebook."):<14} -> {", ".join(short) or "-"}')
    found = cycles(edges)
    print(f'\n{len(edges)} parts, {sum(len(t) for t in edges.values())} arrows, '
          f'{len(found)} cycle{"s" if len(found) != 1 else ""}')
    for group in found:
        print('  cycle: ' + ' <-> '.join(g.removeprefix('makebook.') for g in group))


if __name__ == '__main__':
    main()
