"""Time and memory bounds for a stage that may run away.

WeasyPrint's own security notes warn that a document can make a render take
forever or eat all memory (huge CSS values, enormous images, deep nesting).
So the PDF is laid out in a forked child process with an address-space limit,
watched by a wall-clock deadline; when either is hit, the child is killed and
the user is told which stage was stopped and how to raise the bound.

The bounds come from the environment so a user with a 900-page book can lift
them without a code change: ``MAKEBOOK_PDF_SECONDS`` (default 600) and
``MAKEBOOK_PDF_MEMORY_MB`` (default 4096).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import selectors
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from makebook import codes
from makebook.errors import BookError, MakeBookError, OutputError, clip

T = TypeVar('T')  # what the bounded function returns


class Cancelled(Exception):
    """The build was called off (a newer save made it pointless); nothing was written."""


class LibraryWarning(UserWarning):
    """A warning a library gave inside a bounded stage, passed on to the parent."""


@dataclass(frozen=True, slots=True)
class Bounds:
    seconds: float
    memory_mb: int


def positive_number(name: str, default: float) -> float:
    """The environment variable ``name`` as a positive, finite number (``default`` when unset).

    'nan' or 'inf' is refused, not taken as "no limit": a bound that compares false with
    everything would silently turn the bound off. Raises BookError (MB005).
    """
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BookError(f'{name}={clip(raw, 40)!r} is not a number', code=codes.BAD_BOUND.id) from None
    if not math.isfinite(value) or value <= 0:
        raise BookError(f'{name}={clip(raw, 40)!r}: give a positive number (not 0, inf or nan)',
                        code=codes.BAD_BOUND.id)
    return value


# Every bound the environment may set, with its default; checked before a build starts.
ENVIRONMENT_BOUNDS = {
    'MAKEBOOK_PDF_SECONDS': 600.0,
    'MAKEBOOK_PDF_MEMORY_MB': 4096.0,
    'MAKEBOOK_IMAGE_MEGAPIXELS': 50.0,
}


def check_environment() -> None:
    """Refuse a bad bound in the environment up front, before any work (raises BookError)."""
    for name, default in ENVIRONMENT_BOUNDS.items():
        positive_number(name, default)


def bounds_from_environment(stage: str, seconds: float = 600, memory_mb: int = 4096) -> Bounds:
    """The bounds for ``stage`` ('PDF' -> MAKEBOOK_PDF_SECONDS, MAKEBOOK_PDF_MEMORY_MB)."""
    prefix = f'MAKEBOOK_{stage.upper()}_'
    return Bounds(positive_number(f'{prefix}SECONDS', seconds),
                  max(1, int(positive_number(f'{prefix}MEMORY_MB', memory_mb))))


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A logger of the child whose INFO messages the parent hears, one ``hear(message)`` each (a
    library's progress: WeasyPrint's pages). They never reach the child's log handlers."""

    logger: str
    hear: Callable[[str], None]


def run_bounded(function: Callable[..., T], *args: Any, stage: str, bounds: Bounds,
                cancelled: Callable[[], bool] | None = None, forwarded: Forwarded | None = None) -> T:
    """``function(*args)`` in a child process within ``bounds``; raises MakeBookError.

    ``cancelled`` is asked a few times a second: when it says so, the child is killed and
    :class:`Cancelled` raised (watch mode: a save arrived while the PDF was laid out).
    """
    if not hasattr(os, 'fork') or sys.platform == 'win32':
        return function(*args)  # no fork: run unbounded rather than not at all
    read_end, write_end = os.pipe()
    log_read, log_write = os.pipe() if forwarded is not None else (-1, -1)
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        if forwarded is not None:
            os.close(log_read)
        _child(function, args, bounds, write_end,
               (forwarded.logger, log_write) if forwarded is not None else None)
    os.close(write_end)
    if forwarded is not None:
        os.close(log_write)
    try:
        data, timed_out = _collect(read_end, bounds.seconds, cancelled,
                                   (log_read, forwarded.hear) if forwarded is not None else None)
    except BaseException:  # Ctrl-C, SIGTERM, Cancelled: take the child down too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
        if forwarded is not None:
            os.close(log_read)
    if timed_out:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    hint = (f'raise MAKEBOOK_{stage.upper()}_SECONDS or MAKEBOOK_{stage.upper()}_MEMORY_MB '
            'if the book is simply large')
    if timed_out:
        raise OutputError(f'{stage}: stopped after {bounds.seconds:g} seconds; the layout ran away '
                          f'(huge CSS values or images?); {hint}', code=codes.STAGE_TIMED_OUT.id)
    if os.WIFSIGNALED(status) or not data:
        raise OutputError(f'{stage}: the renderer died ({_how(status)}) - probably out of memory '
                          f'(limit {bounds.memory_mb} MB); {hint}', code=codes.STAGE_DIED.id)
    notes, outcome = pickle.loads(data)
    for category, message in notes:
        warnings.warn(f'{stage}: {category}: {message}', LibraryWarning, stacklevel=2)
    kind = outcome[0]
    if kind == 'ok':
        result: T = outcome[1]  # unpickled: what ``function`` returned in the child
        return result
    if kind == 'memory':
        raise OutputError(f'{stage}: ran out of memory (limit {bounds.memory_mb} MB; a huge image '
                          f'or CSS value?); {hint}', code=codes.STAGE_OUT_OF_MEMORY.id)
    if kind == 'recursion':
        raise OutputError(f'{stage}: the document is nested too deeply to lay out',
                          code=codes.STAGE_TOO_DEEP.id)
    if kind == 'error':  # a MakeBookError, pickled whole (errors.MakeBookError.__reduce__)
        raise outcome[1]
    raise OutputError(f'{stage}: the renderer failed: {outcome[1]}', code=codes.STAGE_CRASHED.id)


def _child(function: Callable[..., Any], args: tuple[Any, ...], bounds: Bounds,
           write_end: int, log: tuple[str, int] | None = None) -> None:
    status = 0
    try:
        die_with_parent()
        if log is not None:
            _forward_log(*log)
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource
            limit = bounds.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            # A CPU bound as well, so the child stops even if nobody is left to kill it.
            cpu = int(bounds.seconds) + 5
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        # A library's warnings (Pillow's DecompressionBombWarning...) go back to the
        # parent, which hands them to the CLI, instead of straight onto stderr.
        caught = warnings.catch_warnings(record=True)
        recorded = caught.__enter__()
        try:
            outcome: tuple[Any, ...] = ('ok', function(*args))
        except MemoryError:
            outcome = ('memory',)
        except RecursionError:
            outcome = ('recursion',)
        except MakeBookError as exc:
            outcome = ('error', exc)
        except BaseException as exc:
            outcome = ('crash', f'{type(exc).__name__}: {exc}')
        caught.__exit__(None, None, None)
        notes = [(w.category.__name__, str(w.message)) for w in recorded]
        data = pickle.dumps((notes, outcome))
        with os.fdopen(write_end, 'wb') as stream:
            stream.write(data)
    except BaseException:
        status = 1
    finally:
        os._exit(status)  # skip atexit handlers and buffers that belong to the parent


def _forward_log(name: str, fd: int) -> None:
    """In the child: the logger ``name``'s INFO messages go down ``fd``, a line each, and nowhere
    else. A message that would block (the parent slow to read) is dropped: progress is not worth
    stalling the work for."""
    os.set_blocking(fd, False)

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            with contextlib.suppress(OSError):  # BlockingIOError, or the parent gone
                os.write(fd, record.getMessage().replace('\n', ' ').encode('utf-8', 'replace') + b'\n')

    logger = logging.getLogger(name)
    logger.handlers = [Handler()]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def die_with_parent() -> None:
    """On Linux, have the kernel kill this child when the build is killed (SIGKILL has no hook);
    for every child process a build starts (the PDF's, the render workers, each book's in a build
    of several)."""
    with contextlib.suppress(Exception):
        import ctypes
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


def _collect(read_end: int, seconds: float, cancelled: Callable[[], bool] | None = None,
             log: tuple[int, Callable[[str], None]] | None = None) -> tuple[bytes, bool]:
    """Everything the child writes, or (partial, True) if the deadline passes first; raises
    :class:`Cancelled` when ``cancelled()`` turns true. Meanwhile each line the child writes on
    ``log``'s pipe is given to its function."""
    deadline = time.monotonic() + seconds
    chunks: list[bytes] = []
    pending = b''  # the start of a log line not yet ended
    with selectors.DefaultSelector() as selector:
        selector.register(read_end, selectors.EVENT_READ)
        if log is not None:
            selector.register(log[0], selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return b'', True
            if cancelled is not None and cancelled():
                raise Cancelled
            ready = selector.select(timeout=remaining if cancelled is None else min(remaining, 0.1))
            for key, _ in ready:
                if log is not None and key.fd == log[0]:
                    lines = os.read(log[0], 1 << 16)
                    if not lines:  # the child closed it (it ended): no more to hear
                        selector.unregister(log[0])
                        continue
                    *complete, pending = (pending + lines).split(b'\n')
                    for line in complete:
                        log[1](line.decode('utf-8', 'replace'))
                    continue
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    return b''.join(chunks), False
                chunks.append(chunk)


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return f'killed by {signal.Signals(number).name}'
        return f'killed by signal {number}'
    return f'exit status {os.WEXITSTATUS(status)}'


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Run a stage; running out of stack or memory becomes a clear error naming it."""
    try:
        yield
    except RecursionError:
        raise BookError(f'{name}: the input is nested too deeply to process '
                        '(deeply nested lists, quotes or HTML?)', code=codes.STAGE_EXHAUSTED.id) from None
    except MemoryError:
        raise BookError(f'{name}: ran out of memory (a huge image or file?)',
                        code=codes.STAGE_EXHAUSTED.id) from None
