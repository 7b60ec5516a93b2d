"""Nothing changed, nothing to do: the whole-build fast path (cache namespace ``build/fresh``).

After a good build, a record is kept in the cache under a key naming the
command (manuscript, output folder, formats, print overrides, strictness,
``SOURCE_DATE_EPOCH`` and every ``MAKEBOOK_*`` bound) and, through :meth:`Cache.key`, make-book's own code,
theme and libraries. It holds a content hash of every file in the manuscript
folder, the size and time of every output written, and what the build
reported (warnings, layout, library warnings). The next run with the same
command compares: when no input changed and every output is still the one
written, it reports the same and writes nothing, outputs untouched.

The comparison is conservative. Every file under the manuscript folder counts
(not only those the build read), so a new file that a layout would pick up is
seen; without ``SOURCE_DATE_EPOCH`` a file's time counts too, since the newest
one dates the book. A file whose size and time are the recorded ones is not
read again, unless its time was within :data:`_RACY_SECONDS` of the record
(it could have changed again within the clock's tick); any other is hashed,
and the hash decides. Books that download remote images never take the fast
path. This module uses the standard library only: the command line checks
before it imports the pipeline, so an unchanged book costs a fraction of a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

from makebook import codes
from makebook.cache import FOLDER as CACHE_FOLDER
from makebook.cache import Cache
from makebook.errors import Diagnostic
from makebook.model import DEFAULT_OUT_DIR, FORMATS, BuildOptions

LOGGER = logging.getLogger('makebook')
NAMESPACE = 'build/fresh'
_SKIPPED = {'.git', '.hg', '.svn', '__pycache__', CACHE_FOLDER}  # never part of a book
# A manuscript folder larger than this (a single .md file in a home folder?) is not fingerprinted.
_MAX_FILES = 50_000
_MAX_BYTES = 512 * 2**20
_RACY_SECONDS = 2.0

# An input file: (size, mtime_ns, sha256); an output file: (size, mtime_ns).
InputState = dict[str, list[Any]]


class LibraryWarning(UserWarning):
    """A library's warning repeated from the build that the fast path stands for."""


@dataclass(frozen=True)
class Replay:
    """What an unchanged build reports: the previous build's own report."""

    outputs: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...]
    layout: str
    library_warnings: tuple[str, ...]

    def warn(self) -> None:
        """Give the library warnings the recorded build gave (the CLI prints them)."""
        for message in self.library_warnings:
            warnings.warn(message, LibraryWarning, stacklevel=2)


@dataclass
class Freshness:
    """A build's inputs as found when it started, and the previous build's record if it still holds."""

    options: BuildOptions
    inputs: InputState | None  # None: not fingerprinted (too large, or no manuscript)
    started: float
    replay: Replay | None = None

    def remember(self, cache: Cache, outputs: tuple[Path, ...], written: Iterable[Path],
                 diagnostics: tuple[Diagnostic, ...], layout: str, library_warnings: list[str]) -> None:
        """Keep the record of this good build (``written``: every file it wrote)."""
        if self.inputs is None:
            return
        state = _outputs_state(written)
        if state is None:
            return
        cache.store(NAMESPACE, _key(self.options), {
            'inputs': self.inputs, 'outputs': state, 'started': self.started,
            'report': {'outputs': [str(p) for p in outputs], 'layout': layout,
                       'library_warnings': library_warnings,
                       'warnings': [[d.code, d.message, None if d.path is None else str(d.path), d.line]
                                    for d in diagnostics]}})


def check(options: BuildOptions) -> Freshness:
    """The state of the build ``options`` asks for; ``replay`` is set when nothing changed."""
    started = time.time()
    options = options.assumed()  # what the command line leaves to the book's settings: the defaults
    out_dir = options.out_dir or DEFAULT_OUT_DIR
    cache = Cache.in_output_folder(out_dir.resolve()) if (out_dir / CACHE_FOLDER).is_dir() else None
    record = cache.load(NAMESPACE, _key(options)) if cache is not None else None
    previous = record.get('inputs') if isinstance(record, dict) else None
    settled = record.get('started', 0) - _RACY_SECONDS if isinstance(record, dict) else 0
    inputs = _inputs_state(options, previous if isinstance(previous, dict) else {}, settled)
    freshness = Freshness(options, inputs, started)
    if record is not None and inputs is not None:
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            if _same_inputs(previous, inputs) and _outputs_untouched(record['outputs']):
                freshness.replay = _replay(record['report'])
                LOGGER.info('Nothing changed since the last build: the outputs are up to date')
    return freshness


def _key(options: BuildOptions) -> str:
    options = options.assumed()
    overrides = options.print_overrides
    return Cache.off().key(NAMESPACE, str(options.manuscript.resolve()),
                           str((options.out_dir or DEFAULT_OUT_DIR).resolve()),
                           ','.join(options.formats or FORMATS), repr((options.strict, options.allow_remote)),
                           repr((overrides.notes, overrides.pdf_variant, overrides.print_ready)),
                           # The date, and every bound and limit (MAKEBOOK_PDF_SECONDS...).
                           repr(sorted((name, value) for name, value in os.environ.items()
                                       if name == 'SOURCE_DATE_EPOCH' or name.startswith('MAKEBOOK_'))))


def _root(manuscript: Path) -> Path:
    return manuscript.resolve() if manuscript.is_dir() else manuscript.resolve().parent


def _inputs_state(options: BuildOptions, previous: dict[str, Any], settled: float) -> InputState | None:
    """Every file under the manuscript's folder: (size, time, content hash), by relative path.

    A file whose size and time match ``previous`` and that was older than ``settled``
    keeps its recorded hash without being read again.
    """
    if not options.manuscript.exists():
        return None
    root = _root(options.manuscript)
    skipped = (options.out_dir or DEFAULT_OUT_DIR).resolve()
    state: InputState = {}
    total = 0
    for path in _files(root, skipped):
        if len(state) >= _MAX_FILES:
            return None
        name = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
        except OSError:
            state[name] = [None, None, 'unreadable']
            continue
        if not S_ISREG(stat.st_mode):  # a link to /dev/zero or a FIFO: never opened (it would not end)
            state[name] = [None, None, 'not a file']
            continue
        total += stat.st_size
        if total > _MAX_BYTES:
            return None
        known = previous.get(name)
        if (isinstance(known, list) and known[:2] == [stat.st_size, stat.st_mtime_ns]
                and stat.st_mtime_ns / 1e9 < settled):
            state[name] = known
            continue
        state[name] = [stat.st_size, stat.st_mtime_ns, _hash(path)]
    return state


def _files(folder: Path, skipped: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIPPED and path != skipped:
                    yield from _files(path, skipped)
            elif entry.is_file() or entry.is_symlink():
                yield path


def _hash(path: Path) -> str:
    try:
        with path.open('rb') as stream:
            return hashlib.file_digest(stream, 'sha256').hexdigest()
    except OSError:
        return 'unreadable'


def _same_inputs(previous: Any, current: InputState) -> bool:
    """The same files with the same content (and, without SOURCE_DATE_EPOCH, the same times)."""
    if not isinstance(previous, dict) or previous.keys() != current.keys():
        return False
    dated = 'SOURCE_DATE_EPOCH' not in os.environ  # the newest file's time dates the book
    return all(previous[name][2] == state[2] and (not dated or previous[name][1] == state[1])
               for name, state in current.items())


def _outputs_state(written: Iterable[Path]) -> dict[str, list[int]] | None:
    state: dict[str, list[int]] = {}
    try:
        for path in written:
            stat = path.stat()
            state[str(path.resolve())] = [stat.st_size, stat.st_mtime_ns]
    except OSError:
        return None
    return state


def _outputs_untouched(recorded: dict[str, list[int]]) -> bool:
    return bool(recorded) and _outputs_state(Path(p) for p in recorded) == recorded


def _replay(report: dict[str, Any]) -> Replay:
    return Replay(
        outputs=tuple(Path(p) for p in report['outputs']),
        warnings=tuple(codes.ALL[code](str(message), None if path is None else Path(path),
                                       None if line is None else int(line))
                       for code, message, path, line in report['warnings']),
        layout=str(report['layout']),
        library_warnings=tuple(str(m) for m in report['library_warnings']))
