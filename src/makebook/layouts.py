"""Which files make the book, and in what order: the project layouts authors already use.

Recognised in this order (the first that applies wins, and is reported):

1. ``chapters:`` in ``metadata.yaml`` (or the first file's front matter): an
   explicit list; a part is ``{part: Title, chapters: [...]}``, a chapter with
   sub-chapters ``{file: a.md, chapters: [...]}``.
2. Quarto: ``_quarto.yml`` with ``book: chapters:`` (``part:`` entries too);
   the book's title and author come from it.
3. mdBook: ``book.toml`` and ``SUMMARY.md`` in its source folder: prefix and
   suffix chapters (unnumbered), numbered chapters (nested items: sub-chapters),
   ``# Part`` titles between lists.
   ``{{#include}}`` and ``{{#rustdoc_include}}`` are expanded by
   :func:`expand_includes`, confined to the book folder.
4. Leanpub: ``Book.txt`` (or ``manuscript/Book.txt``), one file per line.
5. Every ``.md`` file in the folder, in natural file-name order.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from makebook import resources
from makebook.errors import Diagnostic, error

_INCLUDE = re.compile(r'\{\{#(?P<kind>include|rustdoc_include)\s+(?P<arg>[^}\s]+)\s*\}\}')
_ANCHOR_START = re.compile(r'ANCHOR:\s*(?P<name>[\w-]+)')
_ANCHOR_END = re.compile(r'ANCHOR_END:\s*(?P<name>[\w-]+)')


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path  # absolute
    part: str | None = None  # title of the part the file belongs to
    depth: int = 0  # 0: a chapter; 1: a sub-chapter of the entry before it at depth 0; ...
    unnumbered: bool = False  # mdBook's prefix and suffix chapters have no number


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str  # 'chapters list', 'Quarto', 'mdBook', 'Leanpub', 'folder'
    entries: tuple[Entry, ...]
    metadata: dict[str, Any] = field(default_factory=dict)  # book keys the layout file gives
    diagnostics: tuple[Diagnostic, ...] = ()


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key putting '2-x.md' before '10-x.md'."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r'(\d+)', name))


def detect_layout(root: Path) -> Layout:
    """The layout of the manuscript folder ``root`` (absolute)."""
    listed = _chapters_key(root)
    if listed is not None:
        return _from_list('chapters list', root, root, *listed)
    quarto = root / '_quarto.yml'
    if quarto.is_file():
        data = _yaml(quarto)
        book = data.get('book') if isinstance(data.get('book'), dict) else {}
        if isinstance(book.get('chapters'), list):
            meta = {k: book[k] for k in ('title', 'subtitle', 'author', 'date', 'description')
                    if k in book}
            if isinstance(data.get('lang'), str):  # Quarto keeps the language at the top level
                meta['lang'] = data['lang']
            layout = _from_list('Quarto', root, root, book['chapters'], quarto)
            return Layout(layout.kind, layout.entries, meta, layout.diagnostics)
    if (root / 'book.toml').is_file():
        return _mdbook(root)
    for book_txt in (root / 'Book.txt', root / 'manuscript' / 'Book.txt'):
        if book_txt.is_file():
            names = [line.strip() for line in book_txt.read_text(encoding='utf-8').splitlines()]
            return _from_list('Leanpub', root, book_txt.parent,
                              [n for n in names if n and not n.startswith('#')], book_txt)
    paths = sorted((p for p in root.iterdir() if p.suffix == '.md' and p.is_file()),
                   key=lambda p: natural_key(p.name))
    return Layout('folder', tuple(Entry(p) for p in paths))


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding='utf-8'))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}  # reported when the file is read as metadata
    return data if isinstance(data, dict) else {}


def _chapters_key(root: Path) -> tuple[list[Any], Path] | None:
    """The ``chapters:`` list from metadata.yaml, else from the first file's front matter."""
    metadata = root / 'metadata.yaml'
    if metadata.is_file() and isinstance(_yaml(metadata).get('chapters'), list):
        return _yaml(metadata)['chapters'], metadata
    files = sorted((p for p in root.iterdir() if p.suffix == '.md' and p.is_file()),
                   key=lambda p: natural_key(p.name))
    if files:
        text = files[0].read_text(encoding='utf-8', errors='replace').removeprefix('\ufeff')
        match = re.match(r'---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n', text, re.DOTALL)
        if match:
            try:
                data = yaml.safe_load(match.group(1))
            except yaml.YAMLError:
                return None
            if isinstance(data, dict) and isinstance(data.get('chapters'), list):
                return data['chapters'], files[0]
    return None


def _from_list(kind: str, root: Path, base: Path, items: list[Any], listing: Path) -> Layout:
    """Entries from a list of file names, where ``{part: T, chapters: [...]}`` is a part."""
    entries: list[Entry] = []
    problems: list[Diagnostic] = []

    def add(name: Any, part: str | None, depth: int = 0) -> None:
        if isinstance(name, dict) and 'part' in name:
            title = str(name['part'])
            for item in name.get('chapters') or []:
                add(item, title, depth)
            return
        if isinstance(name, dict) and len(name) == 1 and 'file' not in name:  # {Part: [files]}
            (title, items), = name.items()
            for item in items if isinstance(items, list) else [items]:
                add(item, str(title), depth)
            return
        children: list[Any] = []
        if isinstance(name, dict) and 'file' in name:
            # {file: a.md, chapters: [...]}: the listed files are a.md's sub-chapters.
            children = name.get('chapters') if isinstance(name.get('chapters'), list) else []
            name = name['file']
        path = (base / str(name)).resolve()
        if not path.is_relative_to(root):
            problems.append(error(f"'{name}' is outside the book folder", listing,
                                  _line(listing, str(name))))
        elif not path.is_file():
            problems.append(error(f"'{name}' is listed but does not exist", listing,
                                  _line(listing, str(name))))
        else:
            entries.append(Entry(path, part, depth))
        for item in children:
            add(item, part, depth + 1)

    for item in items:
        add(item, None)
    return Layout(kind, tuple(entries), {}, tuple(problems))


def _line(path: Path, needle: str) -> int | None:
    for number, text in enumerate(path.read_text(encoding='utf-8').splitlines(), start=1):
        if needle in text:
            return number
    return None


_SUMMARY_LINK = re.compile(r'^(?P<indent>\s*)(?:[-*]\s+)?\[(?P<title>[^\]]*)\]\((?P<href>[^)]*)\)\s*$')


def _mdbook(root: Path) -> Layout:
    try:
        config = tomllib.loads((root / 'book.toml').read_text(encoding='utf-8'))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Layout('mdBook', (), {}, (error(f'broken book.toml: {exc}', root / 'book.toml'),))
    book = config.get('book', {})
    src = (root / str(book.get('src', 'src'))).resolve()
    if not src.is_relative_to(root):
        return Layout('mdBook', (), {}, (error(f"book.toml: src '{book.get('src')}' is outside the "
                                               'book folder', root / 'book.toml'),))
    summary = src / 'SUMMARY.md'
    meta: dict[str, Any] = {}
    if book.get('title'):
        meta['title'] = book['title']
    if book.get('authors'):
        meta['author'] = list(book['authors'])
    if book.get('language'):
        meta['lang'] = book['language']
    if book.get('description'):
        meta['description'] = book['description']
    if not summary.is_file():
        return Layout('mdBook', (), meta, (error('an mdBook needs src/SUMMARY.md', summary),))
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    part: str | None = None
    indents: list[int] = []  # indentation of the open list levels: nesting makes sub-chapters
    for number, line in enumerate(summary.read_text(encoding='utf-8').splitlines(), start=1):
        heading = re.match(r'^#{1,6}\s+(.*?)\s*$', line)
        if heading:
            if entries or (number > 1 and heading.group(1).lower() != 'summary'):
                part = heading.group(1)
            continue
        if re.match(r'^\s*-{3,}\s*$', line):
            part = None if line.strip() else part  # a separator ends nothing: keep the part
            continue
        match = _SUMMARY_LINK.match(line)
        is_list_item = bool(re.match(r'^\s*[-*]\s', line))
        depth = _list_depth(indents, len(match.group('indent').expandtabs(4))) \
            if match and is_list_item else 0
        if not match or not match.group('href').strip():
            continue  # draft chapters '[Title]()' have no file yet
        path = (src / match.group('href').strip()).resolve()
        if not path.is_relative_to(root):
            problems.append(error(f"'{match.group('href')}' is outside the book folder", summary, number))
        elif not path.is_file():
            problems.append(error(f"'{match.group('href')}' is listed but does not exist",
                                  summary, number))
        else:
            entries.append(Entry(path, part if is_list_item else None, depth,
                                 unnumbered=not is_list_item))
    return Layout('mdBook', tuple(entries), meta, tuple(problems))


def _list_depth(indents: list[int], indent: int) -> int:
    """The nesting depth of a list item indented by ``indent``; ``indents`` holds the open
    levels' indentation and is updated (mdBook accepts any indentation deeper than the parent's)."""
    while indents and indents[-1] > indent:
        indents.pop()
    if not indents or indents[-1] < indent:
        indents.append(indent)
    return len(indents) - 1


Origin = tuple[Path, int]  # the file and line a line of expanded text was written on


def expand_includes(text: str, path: Path, root: Path, problems: list[Diagnostic],
                    depth: int = 0) -> str:
    """mdBook's ``{{#include file}}``, ``{{#include file:anchor}}``, ``{{#include file:2:5}}``
    and ``{{#rustdoc_include ...}}`` (the same, keeping every line), inside ``root`` only."""
    origins = [(path, number) for number in range(1, text.count('\n') + 2)]
    return expand_includes_mapped(text, origins, root, problems, depth)[0]


def expand_includes_mapped(text: str, origins: list[Origin], root: Path,
                           problems: list[Diagnostic], depth: int = 0
                           ) -> tuple[str, list[Origin]]:
    """:func:`expand_includes` with a source map: ``origins`` gives the file and line of each
    line of ``text``; the result's map gives them for each line of the expanded text, so a
    problem found later in included text names the included file and its own line."""
    out = _MappedText()
    position = 0
    for match in _INCLUDE.finditer(text):
        first = text.count('\n', 0, position)
        out.emit(text[position:match.start()], origins[first:])
        position = match.end()
        where = origins[text.count('\n', 0, match.start())]
        included = _include(match, where, root, problems, depth)
        if included is not None:
            out.emit(*included)
    out.emit(text[position:], origins[text.count('\n', 0, position):])
    return ''.join(out.parts), out.origins


class _MappedText:
    """Text built from pieces, with the origin of each of its lines (that of its first
    character: a line that starts before an include is the including file's)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.origins: list[Origin] = []
        self._line_empty = True

    def emit(self, chunk: str, origins: list[Origin]) -> None:
        if not chunk:
            return
        lines = chunk.split('\n')
        if not self.origins:
            self.origins.append(origins[0])
        elif self._line_empty and lines[0]:
            self.origins[-1] = origins[0]
        self.origins.extend(origins[1:len(lines)])
        self._line_empty = lines[-1] == ''
        self.parts.append(chunk)


def _include(match: re.Match[str], where: Origin, root: Path, problems: list[Diagnostic],
             depth: int) -> tuple[str, list[Origin]] | None:
    """The expanded text (and its map) one include directive stands for; None on a problem."""
    path, line = where
    name, _, selector = match.group('arg').partition(':')
    # The one resolver (resources.py): no absolute paths, no '..' or symlink out of the book.
    base = path.parent.relative_to(root).as_posix() if path.parent.is_relative_to(root) else ''
    try:
        _, target = resources.resolve(name, '' if base == '.' else base,
                                      resources.Confinement.of([root]))
    except resources.Refused as exc:
        message = (f"'{name}': no such file to include" if str(exc).startswith('no such')
                   else f"'{name}': an include must stay inside the book folder ({exc})")
        problems.append(error(message, path, line))
        return None
    if depth > 8:
        problems.append(error(f"'{name}': includes nested too deep (a loop?)", path, line))
        return None
    included = target.read_text(encoding='utf-8', errors='replace')
    chosen = _select(included.replace('\r\n', '\n').replace('\r', '\n'), selector)
    if chosen is None:
        problems.append(error(f"'{match.group('arg')}': no such anchor or lines", path, line))
        return None
    return expand_includes_mapped('\n'.join(text for _, text in chosen),
                                  [(target, number) for number, _ in chosen] or [where],
                                  root, problems, depth + 1)


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
            start, end = _ANCHOR_START.search(line), _ANCHOR_END.search(line)
            if start and start.group('name') == selector:
                inside, found = True, True
            elif end and end.group('name') == selector:
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
