"""A second process that lays out some of the book's pieces while this one lays out the rest.

WeasyPrint lays out one document on one core, and a long book is mostly layout. A body piece's
layout depends on nothing laid out before it (:mod:`~makebook.pdf.pieces`), so a round's pieces
can be shared: :class:`Helper` forks this process (the stylesheets and fonts already loaded are
shared with it, page by page), and the fork lays out its share while this process lays out the
other. What it made comes back as plain data (the pieces' findings and PDFs: JSON files in a
private folder), what WeasyPrint logged and the warnings raised with it, to be heard here as if
laid out here. A piece the fork did not deliver (it ran out of memory, was killed) is laid out
here again, so the outcome, and any error, is the one a single process gives.

The work is not split in advance: the fork and this process take the next index from one
queue (:class:`_Queue`), the largest first, so that both are busy until the last piece, whatever
each piece costs and whatever else the machine is doing (a split decided in advance, by the
pieces' sizes, left one core idle for seconds at the end of a round).

A fork, not a pool: a pool's workers would load WeasyPrint and parse the stylesheets again
(seconds), and a fork is killed with its parent (:func:`~makebook.safety.limits.die_with_parent`),
within the PDF stage's memory and time bounds, which it inherits.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import mmap
import os
import pickle
import shutil
import signal
import struct
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from makebook.safety.limits import die_with_parent, give_back_free_memory

# The logger whose records the fork passes back (WeasyPrint's; its errors stop the build).
LOGGER = 'weasyprint'
_NOTES = 'notes.pickle'
_PROGRESS = 'progress'


def cores() -> int:
    """The cores this process may run on (one where it cannot fork: Windows)."""
    if not hasattr(os, 'fork') or sys.platform == 'win32':
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def largest_first(sizes: Sequence[int]) -> list[int]:
    """The indices of ``sizes``, the largest first (ties in their order): the order of a queue
    that two processes empty together ends with the small tasks, so that neither waits long
    for the other's last one."""
    return sorted(range(len(sizes)), key=lambda i: -sizes[i])


class _Queue:
    """Indices taken in their order by this process and its fork, each by one of them: a count
    in memory both share (an anonymous shared mapping, made before the fork), moved on under a
    lock on a file of the helper's folder (a POSIX record lock: held by a process, so the fork
    and its parent exclude each other though they share the file's descriptor)."""

    def __init__(self, indices: Sequence[int], folder: Path) -> None:
        self.indices = list(indices)
        self._taken = mmap.mmap(-1, 8)  # MAP_SHARED | MAP_ANONYMOUS: the fork sees the same
        self._lock: int | None = os.open(folder / 'queue.lock', os.O_RDWR | os.O_CREAT, 0o600)

    def take(self) -> int | None:
        """The next index, or None when every index has been taken."""
        import fcntl  # POSIX only, as the fork is

        if self._lock is None:
            return None
        fcntl.lockf(self._lock, fcntl.LOCK_EX)
        try:
            (position,) = struct.unpack('q', self._taken[:8])
            if position < len(self.indices):
                self._taken[:8] = struct.pack('q', position + 1)
        finally:
            fcntl.lockf(self._lock, fcntl.LOCK_UN)
        return self.indices[position] if position < len(self.indices) else None

    def close(self) -> None:
        """Once (a descriptor closed twice could be another file's by then)."""
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
            self._lock = None
            self._taken.close()


class Helper:
    """A fork that takes the indices of ``indices``, in their order, calls ``work(index)`` for
    each and keeps what it returns (JSON-able) for :meth:`results`; this process takes its own
    from the same queue with :meth:`take` (an index is taken once, by one of them). Without a
    :meth:`take` here, the fork does them all. ``pages(value)`` says how many pages a result
    holds, for the progress this process reports."""

    def __init__(self, work: Callable[[int], Any], indices: Sequence[int],
                 pages: Callable[[Any], int]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix='make-book-pieces-'))
        self._queue = _Queue(indices, self.folder)
        give_back_free_memory()  # or the fork would copy pages this process holds free
        self.pid = os.fork()
        if self.pid == 0:  # the fork: never returns
            _in_fork(work, self._queue, pages, self.folder)

    def take(self) -> int | None:
        """The next index for this process to do, or None when all have been taken."""
        return self._queue.take()

    def pages_done(self) -> int:
        """How many pages the fork has laid out so far."""
        with contextlib.suppress(OSError, ValueError):
            return int((self.folder / _PROGRESS).read_text(encoding='ascii') or 0)
        return 0

    def results(self) -> dict[int, Any]:
        """What the fork made, by index, once it has ended (a missing index: not made); what it
        logged and warned is logged and warned here."""
        os.waitpid(self.pid, 0)
        self.pid = 0
        made: dict[int, Any] = {}
        try:
            # Only what the fork wrote (this process took the others: no file to look for).
            for name in sorted(os.listdir(self.folder)):
                stem, _, suffix = name.partition('.')
                if suffix == 'json' and stem.isdigit():
                    with contextlib.suppress(OSError, ValueError):
                        made[int(stem)] = json.loads((self.folder / name).read_text(encoding='utf-8'))
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError):
                # Written by the fork of this very process, in a folder only it could write.
                records, caught = pickle.loads((self.folder / _NOTES).read_bytes())
                for level, message in records:
                    logging.getLogger(LOGGER).log(level, '%s', message)
                for category, message in caught:
                    warnings.warn(message, category, stacklevel=2)
        finally:
            self.close()
        return made

    def close(self) -> None:
        """Stop the fork if it still runs, and remove its folder."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0
        self._queue.close()
        shutil.rmtree(self.folder, ignore_errors=True)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _in_fork(work: Callable[[int], Any], queue: _Queue, pages: Callable[[Any], int],
             folder: Path) -> None:
    status = 0
    try:
        # The parent's objects stay shared while the collector leaves them alone (limits._child).
        gc.freeze()
        die_with_parent()
        logger = logging.getLogger(LOGGER)
        records = _Records()
        logger.handlers = [records]  # heard by the parent, once, not printed here too
        logger.propagate = False
        done = 0
        with warnings.catch_warnings(record=True) as caught:
            try:
                while (index := queue.take()) is not None:
                    value = work(index)
                    _write(folder / f'{index}.json', json.dumps(value).encode())
                    done += pages(value)
                    _write(folder / _PROGRESS, str(done).encode())
            finally:
                notes = (records.records, [(w.category, str(w.message)) for w in caught])
                _write(folder / _NOTES, pickle.dumps(notes))
    except BaseException:  # a piece not delivered is laid out by the parent: its error is raised there
        status = 1
    finally:
        os._exit(status)  # none of the parent's exit handlers or buffers


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: the parent never reads a file cut short."""
    temporary = path.with_name(path.name + '.part')
    temporary.write_bytes(data)
    temporary.replace(path)
