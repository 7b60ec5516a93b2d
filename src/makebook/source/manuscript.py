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
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from makebook import codes
from makebook.config.keys import BOOK_KEYS, CHAPTER_KEYS, near_miss_chapter_keys
from makebook.config.metadata import build_metadata, build_settings
from makebook.errors import BookError, Diagnostic, Severity, fail_on_errors
from makebook.model import MARKDOWN_SUFFIXES, Manuscript, Metadata, PrintOverrides, SourceFile
from makebook.safety.resources import Confinement, Refused
from makebook.source.chunks import quarto_chunks
from makebook.source.files import load_yaml_file, modified_time, read_source
from makebook.source.includes import Budget, expand_includes_mapped
from makebook.source.layouts import Layout, chapter_folders_below, detect_layout
from makebook.source.notes import share_notes


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
            below = chapter_folders_below(root)
            raise BookError(f'{path}: the manuscript folder has no .md files' + (
                f"; '{below[0][0]}' has {below[0][1]}: build that folder" if below else ''),
                code=codes.NO_MARKDOWN_FILES.id)
    elif path.suffix.lower() in MARKDOWN_SUFFIXES:
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
    budget = Budget()  # what the includes of the whole book may add up to
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
                source = _with_includes(source, root, problems, budget)
            source = quarto_chunks(source, problems)
            entry = entries.get(file_path)
            if entry is not None:
                source = replace(source, part=entry.part, depth=entry.depth,
                                 unnumbered=entry.unnumbered, one_chapter=layout.kind in _PAGE_LISTS,
                                 listed_title=entry.title,
                                 hidelines=layout.hidelines if layout.kind == 'mdBook' else None)
            files.append(source)

    files = share_notes(files)  # pandoc joins the files: a note may be written in another
    book_data: dict[str, Any] = dict(layout.metadata)  # _quarto.yml, book.toml: lowest priority
    lines_of_keys: dict[str, int] = dict(layout.metadata_lines)
    # the file each key was read from, for its messages
    key_paths: dict[str, Path] = dict.fromkeys(layout.metadata, layout.metadata_path) \
        if layout.metadata_path is not None else {}
    metadata_path = metadata_file(root, layout.kind) if path.is_dir() else None
    if metadata_path is not None:
        data, lines, yaml_problems = load_yaml_file(metadata_path)
        problems.extend(yaml_problems)
        book_data.update(data)
        lines_of_keys.update(lines)
        key_paths.update(dict.fromkeys(data, metadata_path))
    metadata_source = metadata_path if book_data.keys() - layout.metadata.keys() else layout.metadata_path
    titled_chapters = _every_file_titles_its_chapter(files, book_data)
    if files and files[0].front_matter and not titled_chapters \
            and not _is_chapter_front_matter(files[0], book_data):
        first = files[0]
        book_data.update(first.front_matter)
        lines_of_keys.update(first.front_matter_lines)
        key_paths.update(dict.fromkeys(first.front_matter, first.path))
        metadata_source = first.path
        # The block is the book's: its title and subtitle must not also name the chapter.
        files[0] = dataclasses.replace(first, front_matter={
            key: value for key, value in first.front_matter.items() if key in _CHAPTER_ONLY_KEYS})
    unreadable = any(p.severity is Severity.ERROR for p in problems)
    if not unreadable and all(not f.markdown.strip() for f in files) \
            and not any('title' in f.front_matter for f in files[1:]):
        raise BookError(f'{path}: the manuscript has no text, only metadata', code=codes.ONLY_METADATA.id)
    for source in files:  # a chapter's own keys: only a misspelt chapter key is worth a word
        misses = near_miss_chapter_keys(source.front_matter)
        problems.extend(codes.UNKNOWN_KEY(f"front matter '{key}': {message}", source.path,
                                          source.front_matter_lines.get(key))
                        for key, message in misses)
    modified = modified_time(paths)
    # After a metadata file that cannot be read, "no title" would only mislead.
    metadata_unread = any(p.severity is Severity.ERROR and p.path in (metadata_path, paths[0])
                          for p in problems)
    title_hint = None if metadata_unread else (
        f"every file's 'title:' names its own chapter, {files[0].name}'s "
        f"'{files[0].front_matter.get('title')}' too; add a metadata.yaml with the book's 'title:'"
        if titled_chapters else None)
    metadata, meta_problems = build_metadata(book_data, lines_of_keys, metadata_source or paths[0],
                                             modified, key_paths, overrides, title_hint=title_hint,
                                             title_required=not metadata_unread,
                                             fallback_title=_fallback_title(path, layout))
    problems.extend(meta_problems)
    settings, settings_problems = build_settings(book_data, lines_of_keys, metadata_source or paths[0],
                                                 path.resolve().parent, key_paths)
    problems.extend(settings_problems)
    if not files:
        fail_on_errors(problems, f'{path}: cannot read the manuscript')
    if metadata is None:  # bad metadata: still render and check the text, then fail on it all
        metadata = _stand_in_metadata(modified)
    return Manuscript(root=root, files=tuple(files), metadata=metadata, diagnostics=tuple(problems),
                      layout=_describe(layout) if path.is_dir() else '', settings=settings)


# Folder names that say what the folder holds, not what the book is called.
_GENERIC_FOLDERS = frozenset({'src', 'source', 'sources', 'chapters', 'chapter', 'manuscript', 'book',
                              'content', 'contents', 'text', 'texts', 'docs', 'doc', 'markdown', 'md',
                              'pages', 'chapitres', 'kapitel', 'capitulos', 'capitoli', 'build', 'epub'})


def _fallback_title(path: Path, layout: Layout) -> tuple[str, str]:
    """What to call a book whose metadata gives no title, and where that comes from: the
    first heading of the folder's README (when it is not a chapter), else the folder's
    name (its parent's, when the folder is only 'src' or 'chapters'), else the file's."""
    if path.is_dir():
        listed = {entry.path for entry in layout.entries}
        for name in ('README.md', 'readme.md', 'README.markdown', 'README'):
            readme = path / name
            if readme.is_file() and readme.resolve() not in listed:
                heading = _first_heading(readme)
                if heading:
                    return heading, f'after the first heading of {name}'
        folder = path.resolve()
        for candidate in (folder, folder.parent):
            if candidate.name and candidate.name.lower() not in _GENERIC_FOLDERS:
                return _readable(candidate.name), f"after its folder '{candidate.name}'"
        return _readable(folder.name or 'Untitled'), f"after its folder '{folder.name}'"
    return _readable(path.stem), f"after its file '{path.name}'"


def _first_heading(path: Path) -> str | None:
    """The text of a Markdown file's first level-1 heading ('# Title' or '<h1>Title</h1>')."""
    try:
        text = path.read_text(encoding='utf-8')[:200_000]
    except (OSError, UnicodeError):
        return None
    match = re.search(r'^#[ \t]+(.+?)[ \t#]*$|<h1[^>]*>(.*?)</h1>', text,
                      re.MULTILINE | re.IGNORECASE | re.DOTALL)
    if match is None:
        return None
    title = re.sub(r'<[^>]+>|[*_`]|\{[^}]*\}\s*$', '', match.group(1) or match.group(2) or '')
    title = ' '.join(title.split())
    return title[:200] or None


def _readable(name: str) -> str:
    """'moby-dick' -> 'Moby Dick': a folder or file name as a title."""
    words = re.sub(r'[-_.]+', ' ', name).strip()
    return words.title() if words == words.lower() else words


def _describe(layout: Layout) -> str:
    """'Layout: Leanpub (20 .txt files)': the kind, and how many files of each suffix."""
    suffixes = Counter(entry.path.suffix.lower() or 'extensionless' for entry in layout.entries)
    counts = ', '.join(f'{count} {suffix} file{"s" if count != 1 else ""}'
                       for suffix, count in sorted(suffixes.items(), key=lambda item: -item[1]))
    return f'Layout: {layout.kind} ({counts or "no files"})'


def _with_includes(source: SourceFile, root: Path, problems: list[Diagnostic],
                   budget: Budget) -> SourceFile:
    """mdBook's includes expanded, remembering where each line of the result was written."""
    own = [(source.path, source.first_line + n) for n in range(source.markdown.count('\n') + 1)]
    text, origins = expand_includes_mapped(source.markdown, own, root, problems, budget=budget)
    if budget.exhausted:  # an error already: the book is not made, and this text is not rendered
        return source
    if origins == own:
        return source
    return replace(source, markdown=text, origins=tuple(origins))


def _stand_in_metadata(modified: dt.datetime) -> Metadata:
    """Metadata to render with when the book's own has errors (which fail the build later)."""
    metadata, _ = build_metadata({'title': 'Untitled', 'lang': 'en'}, {}, None, modified)
    assert metadata is not None
    return metadata


# Layouts whose list of pages decides the chapters: each file one chapter, titled as the list
# names it when it has no heading (mdBook, GitBook and docsify make one page of each).
_PAGE_LISTS = frozenset({'mdBook', 'GitBook', 'docsify'})

# The book's metadata file: pandoc's names for it, in the folder or (Leanpub) beside Book.txt.
METADATA_NAMES = ('metadata.yaml', 'metadata.yml', 'metadata.json')


def metadata_file(root: Path, layout_kind: str) -> Path | None:
    """The manuscript's metadata file, if it has one."""
    folders = [root, root / 'manuscript'] if layout_kind == 'Leanpub' else [root]
    return next((folder / name for folder in folders for name in METADATA_NAMES
                 if (folder / name).is_file()), None)


# Files that say how to read the folder; each is read before any chapter.
_CONTROL_FILES = (*METADATA_NAMES, *(f'manuscript/{name}' for name in METADATA_NAMES), '_quarto.yml',
                  'book.toml', 'Book.txt', 'manuscript/Book.txt', 'src/SUMMARY.md')


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
    return 'title' in book_data and 'title' in first.front_matter and not _has_heading(first)


def _has_heading(source: SourceFile) -> bool:
    return bool(re.search(r'^#[ \t]|^\S.*\n=+[ \t]*$', source.markdown, re.MULTILINE))


# Keys that only a book's metadata has: a first file carrying one holds the book's metadata.
_BOOK_ONLY_KEYS = BOOK_KEYS - CHAPTER_KEYS - {'chapters'}


def _every_file_titles_its_chapter(files: list[SourceFile], book_data: dict[str, Any]) -> bool:
    """A Jekyll or Hugo folder with no metadata file: every file has its own 'title:' (and no
    '# Heading'), so the first file's title is its chapter's, not the book's."""
    return ('title' not in book_data and len(files) > 1
            and all(isinstance(f.front_matter.get('title'), str) and not _has_heading(f) for f in files)
            and not set(files[0].front_matter) & _BOOK_ONLY_KEYS)


