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
   :mod:`makebook.source.includes`, confined to the book folder.
4. Leanpub: ``Book.txt`` (or ``manuscript/Book.txt``), one file per line.
5. Every Markdown file in the folder (``.md``, ``.markdown``, ``.mdown``...), in natural
   file-name order.

Each is a detector in :data:`LAYOUTS`, a function from the folder to a
:class:`Layout`, or None when the folder is not laid out that way.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import MARKDOWN_SUFFIXES
from makebook.source.files import load_yaml


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
    """The layout of the manuscript folder ``root`` (absolute): the first of :data:`LAYOUTS`
    that applies."""
    for detect in LAYOUTS:
        layout = detect(root)
        if layout is not None:
            return layout
    raise AssertionError('the folder layout always applies')


def _chapters_list(root: Path) -> Layout | None:
    listed = _chapters_key(root)
    return None if listed is None else _from_list('chapters list', root, root, *listed)


def _quarto(root: Path) -> Layout | None:
    quarto = root / '_quarto.yml'
    if not quarto.is_file():
        return None
    data = _yaml(quarto)
    found = data.get('book')
    book: dict[str, Any] = found if isinstance(found, dict) else {}
    if not isinstance(book.get('chapters'), list):
        return None
    meta: dict[str, Any] = {k: book[k] for k in ('title', 'subtitle', 'author', 'date', 'description')
                            if k in book}
    if isinstance(data.get('lang'), str):  # Quarto keeps the language at the top level
        meta['lang'] = data['lang']
    layout = _from_list('Quarto', root, root, book['chapters'], quarto)
    return Layout(layout.kind, layout.entries, meta, layout.diagnostics)


def _mdbook_layout(root: Path) -> Layout | None:
    return _mdbook(root) if (root / 'book.toml').is_file() else None


def _leanpub(root: Path) -> Layout | None:
    for book_txt in (root / 'Book.txt', root / 'manuscript' / 'Book.txt'):
        if book_txt.is_file():
            names = [line.strip() for line in book_txt.read_text(encoding='utf-8').splitlines()]
            return _from_list('Leanpub', root, book_txt.parent,
                              [n for n in names if n and not n.startswith('#')], book_txt)
    return None


def _folder(root: Path) -> Layout:
    files = _markdown_files(root)
    below = chapter_folders_below(root) if len(files) <= 1 else []
    if not files or not below:
        return Layout('folder', tuple(Entry(p) for p in files))
    # A repository whose README sits above the chapters (Moby-Dick's chapters/, a novel's
    # src/): building the root makes a one-chapter book of the README; say where they are.
    where = ', '.join(f"'{name}' ({count} Markdown files)" for name, count in below)
    return Layout('folder', (Entry(files[0]),), diagnostics=(codes.CHAPTERS_BELOW(
        f'only {files[0].name} is read as the book; the chapters seem to be below: {where} '
        f'(build that folder: make-book build {root / below[0][0]})', files[0]),))


def chapter_folders_below(root: Path, least: int = 3) -> list[tuple[str, int]]:
    """Folders one or two levels below ``root`` holding ``least`` or more Markdown files, the
    fullest first, as (path relative to ``root``, count): where a book's chapters may be."""
    found = []
    for folder in itertools.islice(_folders(root, 2), 500):  # a bound for a huge repository
        count = sum(1 for p in folder.iterdir() if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file())
        if count >= least:
            found.append((folder.relative_to(root).as_posix(), count))
    return sorted(found, key=lambda item: (-item[1], item[0]))[:3]


def _folders(root: Path, depth: int) -> Iterator[Path]:
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()
                          and not p.name.startswith(('.', '_')) and p.name != 'node_modules')
    except OSError:
        return
    for child in children:
        yield child
        if depth > 1:
            yield from _folders(child, depth - 1)


def _markdown_files(root: Path) -> list[Path]:
    return sorted((p for p in root.iterdir() if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file()),
                  key=lambda p: natural_key(p.name))


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = load_yaml(path.read_text(encoding='utf-8'))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}  # reported when the file is read as metadata
    return data if isinstance(data, dict) else {}


def _chapters_key(root: Path) -> tuple[list[Any], Path] | None:
    """The ``chapters:`` list from metadata.yaml, else from the first file's front matter."""
    metadata = next((root / name for name in ('metadata.yaml', 'metadata.yml') if (root / name).is_file()),
                    None)
    if metadata is not None and isinstance(_yaml(metadata).get('chapters'), list):
        return _yaml(metadata)['chapters'], metadata
    files = _markdown_files(root)
    if files:
        text = files[0].read_text(encoding='utf-8', errors='replace').removeprefix('\ufeff')
        match = re.match(r'---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n', text, re.DOTALL)
        if match:
            try:
                data = load_yaml(match.group(1))
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
            listed = name.get('chapters')
            children = listed if isinstance(listed, list) else []
            name = name['file']
        path = (base / str(name)).resolve()
        if not path.is_relative_to(root):
            problems.append(codes.LISTED_OUTSIDE(f"'{name}' is outside the book folder", listing,
                                                 _line(listing, str(name))))
        elif not path.is_file():
            problems.append(codes.LISTED_MISSING(f"'{name}' is listed but does not exist", listing,
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
        return Layout('mdBook', (), {}, (codes.BROKEN_BOOK_TOML(f'broken book.toml: {exc}',
                                                               root / 'book.toml'),))
    book = config.get('book', {})
    src = (root / str(book.get('src', 'src'))).resolve()
    if not src.is_relative_to(root):
        return Layout('mdBook', (), {}, (codes.MDBOOK_SRC_OUTSIDE(
            f"book.toml: src '{book.get('src')}' is outside the book folder", root / 'book.toml'),))
    summary = src / 'SUMMARY.md'
    meta: dict[str, Any] = {}
    if book.get('title'):
        meta['title'] = book['title']
    authors = book.get('authors')
    if authors:  # a list of names, or one name as a string
        meta['author'] = [authors] if isinstance(authors, str) else list(authors)
    if book.get('language'):
        meta['lang'] = book['language']
    if book.get('description'):
        meta['description'] = book['description']
    if not summary.is_file():
        return Layout('mdBook', (), meta, (codes.MDBOOK_NO_SUMMARY('an mdBook needs src/SUMMARY.md',
                                                                  summary),))
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
            problems.append(codes.LISTED_OUTSIDE(f"'{match.group('href')}' is outside the book folder",
                                                 summary, number))
        elif not path.is_file():
            problems.append(codes.LISTED_MISSING(f"'{match.group('href')}' is listed but does not exist",
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


# The layouts, in the order they are tried; the plain folder always applies.
LAYOUTS: tuple[Callable[[Path], Layout | None], ...] = (
    _chapters_list, _quarto, _mdbook_layout, _leanpub, _folder)
