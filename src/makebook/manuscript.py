"""Stage 2: read the manuscript folder (or file) into a :class:`Manuscript`.

A manuscript is a folder of ``.md`` files read in natural file-name order
(``2-x.md`` before ``10-x.md``), or a single ``.md`` file. Book metadata comes
from ``metadata.yaml`` in the folder and/or a pandoc-style YAML block at the top
of the first file (the block wins where both set a key). Any file may carry its
own front matter; its ``title`` names that file's chapter when the file has no
level-1 heading.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from makebook.config import Metadata, build_metadata
from makebook.errors import BookError, Diagnostic, Severity, error, fail_on_errors
from makebook.layouts import Layout, detect_layout, expand_includes_mapped
from makebook.layouts import natural_key as natural_key  # re-exported: it lived here first
from makebook.resources import Confinement, Refused

_FRONT_MATTER_END = re.compile(r'^(---|\.\.\.)\s*$')


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Markdown file, decoded and split from its front matter."""

    path: Path  # absolute
    name: str  # path relative to the manuscript root, POSIX style ('ch1.md')
    markdown: str  # the body, without front matter
    first_line: int  # line number in the file where ``markdown`` starts
    front_matter: Mapping[str, Any]
    part: str | None = None  # the part the project layout puts the file in
    depth: int = 0  # > 0: the layout nests the file's chapter under the chapter before it
    unnumbered: bool = False  # the layout says so (mdBook's prefix and suffix chapters)
    # Where each line of ``markdown`` was written, when it is not this file (mdBook
    # includes): (file, line) per line; empty means line n is ``first_line + n`` here.
    origins: tuple[tuple[Path, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Manuscript:
    root: Path  # the folder everything resolves against
    files: tuple[SourceFile, ...]
    metadata: Metadata
    diagnostics: tuple[Diagnostic, ...] = ()  # warnings found while reading
    layout: str = ''  # which project layout gave the files ('Layout: Quarto (4 .md files)')


def read_manuscript(path: Path) -> Manuscript:
    """Read every file of the manuscript at ``path``; raises :class:`BookError` on any error."""
    manuscript = gather_manuscript(path)
    fail_on_errors(manuscript.diagnostics, f'{path}: unreadable files or bad book metadata')
    return manuscript


def gather_manuscript(path: Path) -> Manuscript:
    """Read every file of the manuscript at ``path`` that can be read.

    Problems with single files or the metadata are errors in ``diagnostics``: the
    readable files are still returned, so the later stages find their problems
    too and one run reports all of them (build.py fails on the lot).
    :class:`BookError` is raised only when there is nothing to go on.
    """
    path = Path(path)
    if not path.exists():
        raise BookError(f'{path}: no such manuscript folder or file')
    layout = Layout('file', ())
    if path.is_dir():
        root = path.resolve()
        _refuse_control_links(root)  # before the layout reads any of them
        layout = detect_layout(root)  # chapters list, Quarto, mdBook, Leanpub or plain folder
        if not layout.entries:  # nothing to read: the layout's own problems are all there is
            fail_on_errors(layout.diagnostics, f'{path}: the {layout.kind} layout lists bad files')
        logging.getLogger('makebook').info(_describe(layout))
        paths = [entry.path for entry in layout.entries]
        if not paths:
            raise BookError(f'{path}: the manuscript folder has no .md files')
    elif path.suffix == '.md':
        root = path.resolve().parent
        paths = [path.resolve()]
    else:
        raise BookError(f'{path}: a manuscript is a folder of .md files or one .md file')

    # Like a compiler, report every file's problems in one run: a file that cannot be
    # read is left out and the rest are still read, rendered and checked; build.py
    # fails on the errors collected here together with everything found later.
    problems: list[Diagnostic] = list(layout.diagnostics)
    files = []
    entries = {entry.path: entry for entry in layout.entries}
    confinement = Confinement.of([root])
    for file_path in paths:
        try:  # a chapter that is a symbolic link to a file outside the book is not read
            confinement.check(file_path, 'file')
        except Refused as exc:
            problems.append(error(f'not read: {exc}', file_path))
            continue
        source, file_problems = _read_source(file_path, root)
        problems.extend(file_problems)
        if source is not None:
            if layout.kind == 'mdBook':
                source = _with_includes(source, root, problems)
            entry = entries.get(file_path)
            if entry is not None:
                source = replace(source, part=entry.part, depth=entry.depth,
                                 unnumbered=entry.unnumbered)
            files.append(source)

    book_data: dict[str, Any] = dict(layout.metadata)  # _quarto.yml, book.toml: lowest priority
    key_lines: dict[str, int] = {}
    key_paths: dict[str, Path] = {}  # the file each key was read from, for its messages
    metadata_path = root / 'metadata.yaml'
    if path.is_dir() and metadata_path.is_file():
        data, lines, yaml_problems = _load_yaml_file(metadata_path)
        problems.extend(yaml_problems)
        book_data.update(data)
        key_lines.update(lines)
        key_paths.update(dict.fromkeys(data, metadata_path))
    metadata_source = metadata_path if book_data.keys() - layout.metadata.keys() else None
    if files and files[0].front_matter and not _is_chapter_front_matter(files[0], book_data):
        first = files[0]
        book_data.update(first.front_matter)
        key_lines.update(_key_lines(first.path))
        key_paths.update(dict.fromkeys(first.front_matter, first.path))
        metadata_source = first.path
        # The block is the book's: its title and subtitle must not also name the chapter.
        files[0] = dataclasses.replace(first, front_matter={
            key: value for key, value in first.front_matter.items() if key in _CHAPTER_ONLY_KEYS})
    unreadable = any(p.severity is Severity.ERROR for p in problems)
    if not unreadable and all(not f.markdown.strip() for f in files) \
            and not any('title' in f.front_matter for f in files[1:]):
        raise BookError(f'{path}: the manuscript has no text, only metadata')
    modified = _modified_time(paths)
    metadata, meta_problems = build_metadata(book_data, key_lines, metadata_source or paths[0],
                                             modified, key_paths)
    problems.extend(meta_problems)
    if not files:
        fail_on_errors(problems, f'{path}: cannot read the manuscript')
    if metadata is None:  # bad metadata: still render and check the text, then fail on it all
        metadata = _stand_in_metadata(modified)
    return Manuscript(root=root, files=tuple(files), metadata=metadata, diagnostics=tuple(problems),
                      layout=_describe(layout) if path.is_dir() else '')


def _describe(layout: Layout) -> str:
    return f'Layout: {layout.kind} ({len(layout.entries)} .md files)'


def _with_includes(source: SourceFile, root: Path, problems: list[Diagnostic]) -> SourceFile:
    """mdBook's includes expanded, remembering where each line of the result was written."""
    own = [(source.path, source.first_line + n) for n in range(source.markdown.count('\n') + 1)]
    text, origins = expand_includes_mapped(source.markdown, own, root, problems)
    if origins == own:
        return source
    return replace(source, markdown=text, origins=tuple(origins))


def _stand_in_metadata(modified: dt.datetime) -> Metadata:
    """Metadata to render with when the book's own has errors (which fail the build later)."""
    metadata, _ = build_metadata({'title': 'Untitled', 'lang': 'en'}, {}, None, modified)
    assert metadata is not None
    return metadata


# Files that say how to read the folder; each is read before any chapter.
_CONTROL_FILES = ('metadata.yaml', '_quarto.yml', 'book.toml', 'Book.txt', 'manuscript/Book.txt',
                  'src/SUMMARY.md')


def _refuse_control_links(root: Path) -> None:
    """Refuse a control file that is a symbolic link out of the book: it would be read as
    the book's metadata or listing, and could carry another file's text into the outputs."""
    confinement = Confinement.of([root])
    problems = []
    for name in _CONTROL_FILES:
        candidate = root / name
        if candidate.is_symlink() or candidate.exists():
            try:
                confinement.check(candidate, 'file')
            except Refused as exc:
                problems.append(error(f'not read: {exc}', candidate))
    fail_on_errors(problems, f'{root}: files of the manuscript lead outside it')


# Keys of a first file's metadata block that still apply to its chapter.
_CHAPTER_ONLY_KEYS = frozenset({'unnumbered', 'epub:type'})


def _is_chapter_front_matter(first: SourceFile, book_data: dict[str, Any]) -> bool:
    """Jekyll-style books: when metadata.yaml (or the layout) names the book and the first
    file has no '# Heading', that file's 'title:' names its chapter, not the book."""
    return ('title' in book_data and 'title' in first.front_matter
            and not re.search(r'^#[ \t]|^\S.*\n=+[ \t]*$', first.markdown, re.MULTILINE))


def _read_source(path: Path, root: Path) -> tuple[SourceFile | None, list[Diagnostic]]:
    name = path.relative_to(root).as_posix()
    raw = path.read_bytes()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b'\n') + 1
        return None, [error(f'not valid UTF-8 (byte {exc.start}, value 0x{raw[exc.start]:02x}); '
                            'save the file as UTF-8', path, line)]
    text = text.removeprefix('\ufeff').replace('\r\n', '\n').replace('\r', '\n')
    front_matter: Mapping[str, Any] = {}
    first_line = 1
    lines = text.split('\n')
    if lines and lines[0].rstrip() == '---':
        end = next((i for i in range(1, len(lines)) if _FRONT_MATTER_END.match(lines[i])), None)
        if end is None:
            return None, [error("the YAML block opened by '---' is never closed", path, 1)]
        data, problems = _parse_yaml('\n'.join(lines[1:end]), path, line_offset=1)
        if problems:
            return None, problems
        front_matter = data
        text = '\n'.join(lines[end + 1:])
        first_line = end + 2
    return SourceFile(path=path, name=name, markdown=text, first_line=first_line,
                      front_matter=front_matter), []


def _parse_yaml(text: str, path: Path, line_offset: int) -> tuple[dict[str, Any], list[Diagnostic]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, 'problem', None) or str(exc).splitlines()[0]
        return {}, [error(f'broken YAML: {problem}', path, line)]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [error('the YAML metadata must be a mapping of keys to values '
                          f'(like "title: My Book"), not a {type(data).__name__}',
                          path, line_offset + 1)]
    return {str(k): v for k, v in data.items()}, []


def _load_yaml_file(path: Path) -> tuple[dict[str, Any], dict[str, int], list[Diagnostic]]:
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError:
        return {}, {}, [error('not valid UTF-8', path)]
    data, problems = _parse_yaml(text, path, line_offset=0)
    return data, _key_lines(path), problems


def _key_lines(path: Path) -> dict[str, int]:
    """Line number of each top-level key of the YAML at the top of ``path``."""
    text = path.read_text(encoding='utf-8').removeprefix('\ufeff')
    offset = 0
    if path.suffix == '.md':
        lines = text.replace('\r\n', '\n').split('\n')
        end = next((i for i in range(1, len(lines)) if _FRONT_MATTER_END.match(lines[i])), 1)
        text = '\n'.join(lines[1:end])
        offset = 1
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 + offset for key, _ in node.value}


def _modified_time(paths: list[Path]) -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the newest manuscript file's time (UTC, whole seconds)."""
    epoch = os.environ.get('SOURCE_DATE_EPOCH')
    if epoch is not None:
        try:
            seconds = int(epoch)
        except ValueError:
            raise BookError(f'SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds') from None
    else:
        seconds = int(max(p.stat().st_mtime for p in paths))
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
