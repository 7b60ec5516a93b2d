"""Which files make the book, and in what order: the project layouts authors already use.

Recognised in this order (the first that applies wins, and is reported):

1. ``chapters:`` in ``metadata.yaml`` (or the first file's front matter): an
   explicit list; a part is ``{part: Title, chapters: [...]}``, a chapter with
   sub-chapters ``{file: a.md, chapters: [...]}``.
2. Quarto: ``_quarto.yml`` with ``book: chapters:`` (``part:`` entries too);
   the book's title and author come from it.
3. mdBook: ``book.toml`` and ``SUMMARY.md`` in its source folder: prefix and
   suffix chapters (unnumbered), numbered chapters (nested items: sub-chapters),
   ``# Part`` titles between lists. As in mdBook, SUMMARY.md alone decides the
   chapters: each file is one, whatever headings it holds.
   ``{{#include}}`` and ``{{#rustdoc_include}}`` are expanded by
   :mod:`makebook.source.includes`, confined to the book folder.
4. GitBook: ``SUMMARY.md`` beside ``README.md`` (the same list of links as
   mdBook's; ``book.json`` for the title, author and language); docsify:
   ``_sidebar.md`` beside the ``index.html`` that loads docsify.
5. Leanpub: ``Book.txt`` (or ``manuscript/Book.txt``), one file per line.
6. pandoc-book-template (the RLHF book's): a metadata file beside a ``chapters/``
   folder; its Markdown files, in natural file-name order, are the book, as the
   template's Makefile reads them (a README there describes the folder).
7. A list of links: a README or index page whose bulleted links name nearly every
   Markdown file of the folder (You Don't Know JS); the list gives the order,
   nested items are sub-chapters.
8. Every Markdown file in the folder (``.md``, ``.markdown``, ``.mdown``...), in natural
   file-name order.

6 and 7 are inferred: what they leave out is said (MB217), and a ``chapters:`` list
overrides them.

Each is a detector in :data:`LAYOUTS`, a function from the folder to a
:class:`Layout`, or None when the folder is not laid out that way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import re
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.codes import Code
from makebook.errors import Diagnostic, clip, errors_in
from makebook.model import MARKDOWN_SUFFIXES
from makebook.safety import resources
from makebook.source import yamltext
from makebook.source.files import load_yaml_file


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path  # absolute
    part: str | None = None  # title of the part the file belongs to
    depth: int = 0  # 0: a chapter; 1: a sub-chapter of the entry before it at depth 0; ...
    unnumbered: bool = False  # mdBook's prefix and suffix chapters have no number
    title: str | None = None  # the title the listing gives it (SUMMARY.md's link text)


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str  # 'chapters list', 'Quarto', 'mdBook', 'GitBook', 'docsify', 'Leanpub', 'folder'
    entries: tuple[Entry, ...]
    metadata: dict[str, Any] = field(default_factory=dict)  # book keys the layout file gives
    diagnostics: tuple[Diagnostic, ...] = ()
    # mdBook's hidden code lines: (language, prefix) from [output.html.code.hidelines]
    hidelines: tuple[tuple[str, str], ...] = ()
    # The file ``metadata`` was read from and the line of each of its keys, for their messages.
    metadata_path: Path | None = None
    metadata_lines: dict[str, int] = field(default_factory=dict)


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


# The line in a listing of the entry at a path of indexes and keys (0, 'chapters', 2, 'file').
LineOf = Callable[[tuple[str | int, ...]], int | None]


def _quarto(root: Path) -> Layout | None:
    quarto = root / '_quarto.yml'
    if not quarto.is_file():
        return None
    data, lines, problems = load_yaml_file(quarto, 'Quarto project file')
    if errors_in(problems):  # a Quarto book that cannot be read is not read as something else
        return Layout('Quarto', (), {}, tuple(problems))
    found = data.get('book')
    book: dict[str, Any] = found if isinstance(found, dict) else {}
    if not isinstance(book.get('chapters'), list):
        return None
    meta: dict[str, Any] = {k: book[k] for k in ('title', 'subtitle', 'author', 'date', 'description')
                            if k in book}
    where = {key: lines.at('book', key) for key in meta}
    # Quarto keeps the language at the top level, and make-book's build settings may live
    # there too, beside Quarto's own (read as under make-book: in metadata.yaml).
    for key in ('lang', 'make-book'):
        if key in data:  # checked as metadata.yaml's ('lang: 42' is an error at its line)
            meta[key], where[key] = data[key], lines.get(key)
    layout = _from_list('Quarto', root, root, book['chapters'], quarto,
                        lambda path: lines.at('book', 'chapters', *path))
    return Layout(layout.kind, layout.entries, meta, (*problems, *layout.diagnostics),
                  metadata_path=quarto,
                  metadata_lines={key: line for key, line in where.items() if line is not None})


def _mdbook_layout(root: Path) -> Layout | None:
    return _mdbook(root) if (root / 'book.toml').is_file() else None


def _leanpub(root: Path) -> Layout | None:
    for book_txt in (root / 'Book.txt', root / 'manuscript' / 'Book.txt'):
        if book_txt.is_file():
            return _book_txt(root, book_txt)
    return None


def _book_txt(root: Path, book_txt: Path) -> Layout:
    try:
        text = resources.read_text(book_txt, 'Book.txt')
    except resources.Unreadable as exc:
        return Layout('Leanpub', (), {}, (exc.diagnostic(book_txt),))
    listed = [(number, line.strip()) for number, line in enumerate(text.split('\n'), start=1)
              if line.strip() and not line.strip().startswith('#')]
    numbers = [number for number, _ in listed]
    return _from_list('Leanpub', root, book_txt.parent, [name for _, name in listed], book_txt,
                      lambda path: numbers[int(path[0])] if path else None)


# The metadata files pandoc's --metadata-file is usually given (source/manuscript.py reads them).
_METADATA_NAMES = ('metadata.yaml', 'metadata.yml')


def _chapters_folder(root: Path) -> Layout | None:
    metadata = next((root / name for name in _METADATA_NAMES if (root / name).is_file()), None)
    folder = root / 'chapters'
    if metadata is None or not folder.is_dir() or folder.is_symlink():
        return None
    found = _markdown_files(folder)
    chapters = [p for p in found if not _is_readme(p)]
    top = _markdown_files(root)
    if len(chapters) < 2 or len(top) >= len(chapters):
        return None
    left = [p.name for p in top] + [f'chapters/{p.name}' for p in found if _is_readme(p)]
    diagnostics = (codes.CHAPTERS_INFERRED(
        f"the chapters are chapters/*.md in file-name order, as pandoc-book-template's Makefile "
        f"reads them; left out: {', '.join(left)} (a 'chapters:' list in {metadata.name} chooses "
        'otherwise)', metadata),) if left else ()
    return Layout('chapters folder', tuple(Entry(p) for p in chapters), diagnostics=diagnostics)


def _is_readme(path: Path) -> bool:
    return path.stem.lower() == 'readme'


# Where a folder's table of contents may be, in the order looked for: GitBook's SUMMARY.md,
# then a README or an index page.
_CONTENTS_PAGES = ('SUMMARY.md', 'README.md', 'readme.md', 'index.md', 'toc.md', 'TOC.md', 'contents.md')
# A list item that starts with a link: '* [Chapter 1: Scope](ch1.md) (by ...)'.
_LIST_LINK = re.compile(r'^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+\[(?:[^\]\\]|\\.)*\]'
                        r'\((?P<href>[^)\s]+)(?:[ \t]+"[^"]*")?\)')


def _linked_list(root: Path) -> Layout | None:
    files = _markdown_files(root)
    for name in _CONTENTS_PAGES:
        page = root / name
        if page in files and not page.is_symlink():  # a link out of the book is not read here
            layout = _from_links(root, page, files)
            if layout is not None:
                return layout
    return None


def _from_links(root: Path, page: Path, files: list[Path]) -> Layout | None:
    """The chapters ``page``'s list of links names, when they are nearly every other Markdown
    file of the folder (a README linking two side documents is no table of contents)."""
    try:
        text = resources.read_text(page, page.name)
    except resources.Unreadable:
        return None
    entries: list[Entry] = []
    away: list[str] = []  # links to Markdown files outside the book or missing
    indents: list[int] = []
    fence = ''
    for line in text.split('\n'):
        opened = re.match(r'^\s*(`{3,}|~{3,})', line)
        if opened and (not fence or opened.group(1).startswith(fence)):
            fence = '' if fence else opened.group(1)
        match = None if fence or opened else _LIST_LINK.match(line)
        if match is None:
            continue
        href = urllib.parse.unquote(match.group('href').split('#')[0])
        if not href or re.match(r'[A-Za-z][\w+.-]*:', href) \
                or Path(href).suffix.lower() not in MARKDOWN_SUFFIXES:
            continue  # a web address, an image, a page of the site
        path = _listed_file(href, root, root)[1]
        if path is None:
            away.append(href)
        elif path != page.resolve() and all(entry.path != path for entry in entries):
            depth = _list_depth(indents, len(match.group('indent').expandtabs(4)))
            entries.append(Entry(path, depth=min(depth, MAX_DEPTH)))
    listed = {entry.path for entry in entries}
    left = [p for p in files if p.resolve() not in listed and p != page]
    if len(entries) < 2 or len(left) > max(1, len(entries) // 4):
        return None
    if page.name != 'SUMMARY.md':
        left.insert(0, page)  # the page is the contents, which the book makes itself
    said = [f"{', '.join(p.name for p in left)} left out" if left else '',
            f"links out of the book or to no file: {', '.join(clip(h) for h in away)}" if away else '']
    diagnostics = (codes.CHAPTERS_INFERRED(
        f"the chapters are the files {page.name}'s list links to, in its order; "
        f"{'; '.join(filter(None, said))} (a 'chapters:' list in metadata.yaml chooses otherwise)",
        page),) if left or away else ()
    return Layout(f"{page.name}'s links", tuple(entries), diagnostics=diagnostics)


def _folder(root: Path) -> Layout:
    files = _markdown_files(root) or _ordered_folders(root)
    below = chapter_folders_below(root) if len(files) <= 1 else []
    if not files or not below:
        return Layout('folder', tuple(Entry(p) for p in files))
    # A repository whose README sits above the chapters (Moby-Dick's chapters/, a novel's
    # src/): building the root makes a one-chapter book of the README; say where they are.
    where = ', '.join(f"'{name}' ({count} Markdown files)" for name, count in below)
    target = root / below[0][0]
    if target.name == 'chapters' and _chapters_folder(target.parent) is not None:
        target = target.parent  # pandoc-book-template's: the folder with the metadata file
    return Layout('folder', (Entry(files[0]),), diagnostics=(codes.CHAPTERS_BELOW(
        f'only {files[0].name} is read as the book; the chapters seem to be below: {where} '
        f'(build that folder: make-book build {target})', files[0]),))


def _ordered_folders(root: Path) -> list[Path]:
    """A folder with no Markdown of its own whose chapters sit in folders below it: one
    folder (a project's ``book/``), or folders numbered in reading order (``01 Front matter``,
    ``02 Manuscript/01 Part 1/Chapter 01.md``, as pandoc-novel, Scrivener's exports and
    Obsidian vaults lay out a novel): every Markdown file below, in natural order of its
    path. Anything else (a repository of several books) is not guessed."""
    holding = [folder for folder in _folders(root, 1) if _markdown_below(folder)]
    if not holding or (len(holding) > 1 and not all(f.name[:1].isdigit() for f in holding)):
        return []
    found = [path for folder in holding for path in _markdown_below(folder)]
    return sorted(found, key=lambda path: tuple(natural_key(part) for part in path.relative_to(root).parts))


def _markdown_below(folder: Path, depth: int = 4) -> list[Path]:
    found = _markdown_files(folder)
    if depth > 1:
        for child in _folders(folder, 1):
            found.extend(_markdown_below(child, depth - 1))
    return found[:5000]  # a bound for a huge tree


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
    """Every Markdown entry of the folder but folders: a FIFO, a device or a dangling link
    named like a chapter is listed too, so that reading it says why it cannot be read."""
    found = []
    for path in root.iterdir():
        if path.suffix.lower() in MARKDOWN_SUFFIXES:
            with contextlib.suppress(OSError):
                if path.is_dir():
                    continue
            found.append(path)
    return sorted(found, key=lambda p: natural_key(p.name))


def _chapters_key(root: Path) -> tuple[list[Any], Path, LineOf] | None:
    """The ``chapters:`` list from metadata.yaml, else from the first file's front matter
    (problems in either file are reported when it is read as metadata)."""
    metadata = next((root / name for name in ('metadata.yaml', 'metadata.yml') if (root / name).is_file()),
                    None)
    if metadata is not None:
        data, lines, _ = load_yaml_file(metadata)
        if isinstance(data.get('chapters'), list):
            return data['chapters'], metadata, lambda path: lines.at('chapters', *path)
    files = _markdown_files(root)
    if files:
        try:
            text = resources.read_text(files[0], 'chapter')
        except resources.Unreadable:
            return None
        match = re.match(r'---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n', text, re.DOTALL)
        if match:
            data, lines, _ = yamltext.load(match.group(1), files[0], 1)
            if isinstance(data.get('chapters'), list):
                return data['chapters'], files[0], lambda path: lines.at('chapters', *path)
    return None


# Sub-chapters nest this deep at most: every table of contents shows the levels.
MAX_DEPTH = 8


def _from_list(kind: str, root: Path, base: Path, items: list[Any], listing: Path,
               line_of: LineOf) -> Layout:
    """Entries from a list of file names, where ``{part: T, chapters: [...]}`` is a part.

    An entry of the wrong kind (a number, a list, a part whose chapters are not a list)
    or a name no file can have is an error at its line in the listing, never a traceback.
    """
    entries: list[Entry] = []
    problems: list[Diagnostic] = []

    def wrong(entry: object, what: str, at: tuple[str | int, ...]) -> None:
        problems.append(codes.LISTED_WRONG(f'{what}, not {_kind(entry)}', listing, line_of(at)))

    def add_all(listed: object, part: str | None, depth: int, at: tuple[str | int, ...]) -> None:
        if not isinstance(listed, list):
            wrong(listed, f"'{at[-1] if at else 'chapters'}:' must be a list of files", at)
            return
        for index, item in enumerate(listed):
            add(item, part, depth, (*at, index))

    def add(name: object, part: str | None, depth: int, at: tuple[str | int, ...]) -> None:
        if depth > MAX_DEPTH:
            wrong(name, f'sub-chapters nest at most {MAX_DEPTH} levels deep', at)
            return
        if isinstance(name, dict) and 'part' in name:
            if not isinstance(name['part'], str | int | float) or isinstance(name['part'], bool):
                wrong(name['part'], "a part's title ('part:') must be text", (*at, 'part'))
                return
            add_all(name.get('chapters') or [], clip(name['part'], 200), depth, (*at, 'chapters'))
            return
        if isinstance(name, dict) and len(name) == 1 and 'file' not in name:  # {Part: [files]}
            (title, items), = name.items()
            if isinstance(items, list):
                add_all(items, clip(title, 200), depth, (*at, str(title)))
            else:
                add(items, clip(title, 200), depth, (*at, str(title)))
            return
        children: object = []
        if isinstance(name, dict) and 'file' in name:
            # {file: a.md, chapters: [...]}: the listed files are a.md's sub-chapters.
            children = name.get('chapters') or []
            name, at = name['file'], (*at, 'file')
        if not isinstance(name, str) or not name.strip():
            wrong(name, 'a chapter must be named by its file (a.md)', at)
            return
        problem, path = _listed_file(name, base, root)
        if problem is not None:
            problems.append(problem(f"'{clip(name)}' {_REASONS[problem.id]}", listing, line_of(at)))
        elif path is not None:
            entries.append(Entry(path, part, depth))
        if children:
            add_all(children, part, depth + 1, (*at[:-1], 'chapters') if at[-1:] == ('file',) else at)

    for index, item in enumerate(items):
        add(item, None, 0, (index,))
    return Layout(kind, tuple(entries), {}, tuple(problems))


_REASONS = {codes.LISTED_OUTSIDE.id: 'is outside the book folder',
            codes.LISTED_MISSING.id: 'is listed but does not exist',
            codes.LISTED_WRONG.id: 'is not a name a file can have'}


def _listed_file(name: str, base: Path, root: Path) -> tuple[Code | None, Path | None]:
    """The file a listing names, or the code of what is wrong with the name."""
    if '\x00' in name or len(name) > 1024 or any(len(part.encode()) > 255 for part in name.split('/')):
        return codes.LISTED_WRONG, None
    try:
        path = (base / name).resolve()
        if not path.is_relative_to(root):
            return codes.LISTED_OUTSIDE, None
        # A FIFO or a device counts as there: reading it says why it cannot be read.
        return (None, path) if path.exists() and not path.is_dir() else (codes.LISTED_MISSING, None)
    except (OSError, ValueError, RuntimeError):  # a name too long, a loop of links
        return codes.LISTED_WRONG, None


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f'{str(value).lower()}'
    if isinstance(value, int | float):
        return f'the number {clip(value)}'
    if value is None:
        return 'nothing'
    if isinstance(value, str):
        return f"'{clip(value)}'"
    return 'a list' if isinstance(value, list) else 'a mapping' if isinstance(value, dict) else 'that'


_SUMMARY_LINK = re.compile(r'^(?P<indent>\s*)(?:[-*]\s+)?\[(?P<title>[^\]]*)\]\((?P<href>[^)]*)\)\s*$')
_SUMMARY_HEADING = re.compile(r'#{1,6}\s+(.*)')


def _mdbook(root: Path) -> Layout:
    book_toml = root / 'book.toml'
    try:
        config = tomllib.loads(resources.read_text(book_toml, 'book.toml'))
    except resources.Unreadable as exc:
        return Layout('mdBook', (), {}, (exc.diagnostic(book_toml),))
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r'line (\d+)', str(exc))
        return Layout('mdBook', (), {}, (codes.BROKEN_BOOK_TOML(
            f'broken book.toml: {clip(exc, 200)}', book_toml, int(at.group(1)) if at else None),))
    found = config.get('book', {})
    book: dict[str, Any] = found if isinstance(found, dict) else {}
    try:
        src = (root / str(book.get('src', 'src'))).resolve()
    except (OSError, ValueError, RuntimeError):
        src = root / '\x00'  # not a folder: refused below
    if not src.is_relative_to(root) or '\x00' in str(src):
        return Layout('mdBook', (), {}, (codes.MDBOOK_SRC_OUTSIDE(
            f"book.toml: src '{clip(book.get('src'))}' is outside the book folder", book_toml),))
    summary = src / 'SUMMARY.md'
    meta: dict[str, Any] = {}
    if book.get('title'):
        meta['title'] = book['title']
    authors = book.get('authors')
    if authors:  # a list of names, or one name as a string (anything else: metadata says so)
        meta['author'] = [authors] if isinstance(authors, str) else \
            list(authors) if isinstance(authors, list) else authors
    if book.get('language'):
        meta['lang'] = book['language']
    if book.get('description'):
        meta['description'] = book['description']
    if not summary.is_file():
        return Layout('mdBook', (), meta, (codes.MDBOOK_NO_SUMMARY('an mdBook needs src/SUMMARY.md',
                                                                  summary),))
    return dataclasses.replace(_summary_layout('mdBook', summary, src, root, meta),
                               hidelines=_hidelines(config))


def _summary_layout(kind: str, summary: Path, src: Path, root: Path, meta: dict[str, Any],
                    site: bool = False) -> Layout:
    """The chapters an mdBook ``SUMMARY.md`` (or a GitBook ``SUMMARY.md``, a docsify
    ``_sidebar.md``: the same list of links) names, in order, relative to ``src``.
    ``site``: the links are a web site's, as GitBook and docsify write them (``/`` or a
    folder for its ``README.md``, ``/x.md`` from the book's folder, ``x`` for ``x.md``,
    ``x.md#part`` for ``x.md``)."""
    try:
        lines = resources.read_text(summary, summary.name).split('\n')
    except resources.Unreadable as exc:
        return Layout(kind, (), meta, (exc.diagnostic(summary),))
    entries: list[Entry] = []
    problems: list[Diagnostic] = []
    part: str | None = None
    indents: list[int] = []  # indentation of the open list levels: nesting makes sub-chapters
    for number, line in enumerate(lines, start=1):
        heading = _SUMMARY_HEADING.fullmatch(line)
        if heading:
            title = heading.group(1).strip()
            if entries or (number > 1 and title.lower() != 'summary'):
                part = clip(title, 200)
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
        href = match.group('href').strip()
        if site:
            href = _site_page(href, src)
            if href is None:
                continue  # a link out of the book (an address), not a chapter
        problem, path = _listed_file(href, src, root)
        if problem is not None:
            problems.append(problem(f"'{clip(href)}' {_REASONS[problem.id]}", summary, number))
        elif depth > MAX_DEPTH:
            problems.append(codes.LISTED_WRONG(f'sub-chapters nest at most {MAX_DEPTH} levels deep',
                                               summary, number))
        elif path is not None:
            entries.append(Entry(path, part if is_list_item else None, depth,
                                 unnumbered=not is_list_item, title=match.group('title').strip() or None))
    return Layout(kind, tuple(entries), meta, tuple(problems))


def _site_page(href: str, src: Path) -> str | None:
    """The file a GitBook or docsify link names, relative to ``src`` (None: an address)."""
    if resources.scheme(href) is not None or href.startswith('//'):
        return None
    href = href.split('#', 1)[0].split('?', 1)[0].lstrip('/')
    if not href or href.endswith('/'):
        return f'{href}README.md'
    if not Path(href).suffix and (src / f'{href}.md').is_file():
        return f'{href}.md'
    return href


def _gitbook(root: Path) -> Layout | None:
    """GitBook: ``SUMMARY.md`` (a list of links, as mdBook's) beside ``README.md``, in the
    folder or in the one ``.gitbook.yaml``'s ``root:`` names; ``book.json`` gives the title,
    author and language. The README is the book's first page when the list does not name it."""
    src = root
    gitbook_yaml = root / '.gitbook.yaml'
    if gitbook_yaml.is_file():
        data, _, _ = load_yaml_file(gitbook_yaml, 'GitBook configuration')
        named = data.get('root') if isinstance(data, dict) else None
        if isinstance(named, str) and named.strip():
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                found = (root / named.strip()).resolve()
                src = found if found.is_relative_to(root) and found.is_dir() else root
    summary, readme = src / 'SUMMARY.md', src / 'README.md'
    if not (summary.is_file() and readme.is_file() and _lists_pages(summary)):
        return None
    meta: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError, resources.Unreadable):
        book = json.loads(resources.read_text(root / 'book.json', 'book.json')) \
            if (root / 'book.json').is_file() else {}
        if isinstance(book, dict):
            meta = {key: book[key] for key in ('title', 'author', 'description')
                    if isinstance(book.get(key), str)}
            if isinstance(book.get('language'), str):
                meta['lang'] = book['language']
    layout = _summary_layout('GitBook', summary, src, root, meta, site=True)
    if any(entry.path == readme.resolve() for entry in layout.entries):
        return layout
    return Layout(layout.kind, (Entry(readme.resolve(), unnumbered=True), *layout.entries),
                  layout.metadata, layout.diagnostics)


def _docsify(root: Path) -> Layout | None:
    """docsify: ``_sidebar.md`` (a list of links) beside an ``index.html`` that loads docsify."""
    sidebar, index = root / '_sidebar.md', root / 'index.html'
    if not (sidebar.is_file() and index.is_file() and _lists_pages(sidebar)):
        return None
    try:
        if 'docsify' not in resources.read_text(index, 'index.html'):
            return None
    except resources.Unreadable:
        return None
    return _summary_layout('docsify', sidebar, root, root, {}, site=True)


def _lists_pages(listing: Path) -> bool:
    """Whether ``listing`` is a list of links to pages (not a chapter that happens to be named
    SUMMARY.md)."""
    try:
        text = resources.read_text(listing, listing.name)
    except resources.Unreadable:
        return False
    links = [match for match in map(_SUMMARY_LINK.match, text.split('\n')) if match]
    return bool(links) and sum(1 for line in text.split('\n') if line.strip()
                               and not line.lstrip().startswith(('#', '<!--'))) <= 2 * len(links)


def _hidelines(config: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """book.toml's ``[output.html.code.hidelines]``: ``python = "~"`` hides the lines of Python
    blocks that start with '~' (anything else there is not mdBook's and is ignored)."""
    found: object = config
    for key in ('output', 'html', 'code', 'hidelines'):
        found = found.get(key) if isinstance(found, dict) else None
    if not isinstance(found, dict):
        return ()
    return tuple((str(language), prefix) for language, prefix in found.items()
                 if isinstance(prefix, str) and prefix)


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
    _chapters_list, _quarto, _mdbook_layout, _gitbook, _docsify, _leanpub, _chapters_folder, _linked_list,
    _folder)
