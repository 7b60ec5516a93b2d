"""Which files make the book, and in what order: the project layouts authors already use.

Recognised in this order (the first that applies wins, and is reported):

1. ``chapters:`` in ``metadata.yaml`` (or the first file's front matter): an
   explicit list; a part is ``{part: Title, chapters: [...]}``.
2. Quarto: ``_quarto.yml`` with ``book: chapters:`` (``part:`` entries too);
   the book's title and author come from it.
3. mdBook: ``book.toml`` and ``SUMMARY.md`` in its source folder: prefix,
   numbered (nested) and suffix chapters, ``# Part`` titles between lists.
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

    def add(name: Any, part: str | None) -> None:
        if isinstance(name, dict) and 'part' in name:
            title = str(name['part'])
            for item in name.get('chapters') or []:
                add(item, title)
            return
        if isinstance(name, dict) and len(name) == 1:  # {Part title: [files]}
            (title, items), = name.items()
            for item in items if isinstance(items, list) else [items]:
                add(item, str(title))
            return
        if isinstance(name, dict) and 'file' in name:
            name = name['file']
        path = (base / str(name)).resolve()
        if not path.is_relative_to(root):
            problems.append(error(f"'{name}' is outside the book folder", listing,
                                  _line(listing, str(name))))
        elif not path.is_file():
            problems.append(error(f"'{name}' is listed but does not exist", listing,
                                  _line(listing, str(name))))
        else:
            entries.append(Entry(path, part))

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
        if not match or not match.group('href').strip():
            continue  # draft chapters '[Title]()' have no file yet
        is_list_item = bool(re.match(r'^\s*[-*]\s', line))
        path = (src / match.group('href').strip()).resolve()
        if not path.is_relative_to(root):
            problems.append(error(f"'{match.group('href')}' is outside the book folder", summary, number))
        elif not path.is_file():
            problems.append(error(f"'{match.group('href')}' is listed but does not exist",
                                  summary, number))
        else:
            entries.append(Entry(path, part if is_list_item else None))
    return Layout('mdBook', tuple(entries), meta, tuple(problems))


def expand_includes(text: str, path: Path, root: Path, problems: list[Diagnostic],
                    depth: int = 0) -> str:
    """mdBook's ``{{#include file}}``, ``{{#include file:anchor}}``, ``{{#include file:2:5}}``
    and ``{{#rustdoc_include ...}}`` (the same, keeping every line), inside ``root`` only."""
    def replace(match: re.Match[str]) -> str:
        line = text.count('\n', 0, match.start()) + 1
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
            return ''
        if depth > 8:
            problems.append(error(f"'{name}': includes nested too deep (a loop?)", path, line))
            return ''
        included = target.read_text(encoding='utf-8', errors='replace')
        chosen = _select(included, selector)
        if chosen is None:
            problems.append(error(f"'{match.group('arg')}': no such anchor or lines", path, line))
            return ''
        return expand_includes(chosen, target, root, problems, depth + 1)
    return _INCLUDE.sub(replace, text)


def _select(text: str, selector: str) -> str | None:
    lines = text.split('\n')
    if not selector:
        chosen = lines
    elif re.fullmatch(r'\d*(:\d*)?', selector):
        start, _, end = selector.partition(':')
        first = int(start) - 1 if start else 0
        last = int(end) if end else (len(lines) if ':' in selector or not start else first + 1)
        chosen = lines[first:last]
    else:
        inside, chosen, found = False, [], False
        for line in lines:
            start, end = _ANCHOR_START.search(line), _ANCHOR_END.search(line)
            if start and start.group('name') == selector:
                inside, found = True, True
            elif end and end.group('name') == selector:
                inside = False
            elif inside:
                chosen.append(line)
        if not found:
            return None
    # Other anchors' markers never show in the book.
    return '\n'.join(line for line in chosen
                     if not (_ANCHOR_START.search(line) or _ANCHOR_END.search(line))).strip('\n')
