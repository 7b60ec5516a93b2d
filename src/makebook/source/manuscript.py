"""Stage 2: read the manuscript folder (or file) into a :class:`~makebook.model.Manuscript`.

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
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.config.metadata import build_metadata
from makebook.errors import BookError, Diagnostic, Severity, fail_on_errors
from makebook.model import Manuscript, Metadata, PrintOverrides, SourceFile
from makebook.safety.resources import Confinement, Refused
from makebook.source.files import key_lines, load_yaml_file, modified_time, read_source
from makebook.source.includes import expand_includes_mapped
from makebook.source.layouts import Layout, detect_layout


def read_manuscript(path: Path, overrides: PrintOverrides | None = None) -> Manuscript:
    """Read every file of the manuscript at ``path``; raises :class:`BookError` on any error."""
    manuscript = gather_manuscript(path, overrides)
    fail_on_errors(manuscript.diagnostics, f'{path}: unreadable files or bad book metadata')
    return manuscript


def gather_manuscript(path: Path, overrides: PrintOverrides | None = None) -> Manuscript:
    """Read every file of the manuscript at ``path`` that can be read.

    Problems with single files or the metadata are errors in ``diagnostics``: the
    readable files are still returned, so the later stages find their problems
    too and one run reports all of them (build.py fails on the lot). ``overrides``
    are the command line's print settings, merged into the metadata.
    :class:`BookError` is raised only when there is nothing to go on.
    """
    path = Path(path)
    if not path.exists():
        raise BookError(f'{path}: no such manuscript folder or file', code=codes.NO_MANUSCRIPT.id)
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
            raise BookError(f'{path}: the manuscript folder has no .md files',
                            code=codes.NO_MARKDOWN_FILES.id)
    elif path.suffix == '.md':
        root = path.resolve().parent
        paths = [path.resolve()]
    else:
        raise BookError(f'{path}: a manuscript is a folder of .md files or one .md file',
                        code=codes.NOT_A_MANUSCRIPT.id)

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
            problems.append(codes.NOT_READ(f'not read: {exc}', file_path))
            continue
        source, file_problems = read_source(file_path, root)
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
    lines_of_keys: dict[str, int] = {}
    key_paths: dict[str, Path] = {}  # the file each key was read from, for its messages
    metadata_path = root / 'metadata.yaml'
    if path.is_dir() and metadata_path.is_file():
        data, lines, yaml_problems = load_yaml_file(metadata_path)
        problems.extend(yaml_problems)
        book_data.update(data)
        lines_of_keys.update(lines)
        key_paths.update(dict.fromkeys(data, metadata_path))
    metadata_source = metadata_path if book_data.keys() - layout.metadata.keys() else None
    if files and files[0].front_matter and not _is_chapter_front_matter(files[0], book_data):
        first = files[0]
        book_data.update(first.front_matter)
        lines_of_keys.update(key_lines(first.path))
        key_paths.update(dict.fromkeys(first.front_matter, first.path))
        metadata_source = first.path
        # The block is the book's: its title and subtitle must not also name the chapter.
        files[0] = dataclasses.replace(first, front_matter={
            key: value for key, value in first.front_matter.items() if key in _CHAPTER_ONLY_KEYS})
    unreadable = any(p.severity is Severity.ERROR for p in problems)
    if not unreadable and all(not f.markdown.strip() for f in files) \
            and not any('title' in f.front_matter for f in files[1:]):
        raise BookError(f'{path}: the manuscript has no text, only metadata', code=codes.ONLY_METADATA.id)
    modified = modified_time(paths)
    metadata, meta_problems = build_metadata(book_data, lines_of_keys, metadata_source or paths[0],
                                             modified, key_paths, overrides)
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
                problems.append(codes.NOT_READ(f'not read: {exc}', candidate))
    fail_on_errors(problems, f'{root}: files of the manuscript lead outside it')


# Keys of a first file's metadata block that still apply to its chapter.
_CHAPTER_ONLY_KEYS = frozenset({'unnumbered', 'epub:type'})


def _is_chapter_front_matter(first: SourceFile, book_data: dict[str, Any]) -> bool:
    """Jekyll-style books: when metadata.yaml (or the layout) names the book and the first
    file has no '# Heading', that file's 'title:' names its chapter, not the book."""
    return ('title' in book_data and 'title' in first.front_matter
            and not re.search(r'^#[ \t]|^\S.*\n=+[ \t]*$', first.markdown, re.MULTILINE))


