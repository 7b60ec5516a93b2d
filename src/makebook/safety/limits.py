"""Time and memory bounds: for the whole build, and for a stage that may run away.

The whole build (reading, rendering, checking, making every format) runs within
``MAKEBOOK_BUILD_SECONDS`` (default 3600) and ``MAKEBOOK_BUILD_MEMORY_MB`` (default
8192): see :func:`whole_build`. When either is hit the build stops with a message
naming the stage it was in and, where known, the file (MB026, MB027); nothing is
written, so the last good outputs stay as they were.

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
import gc
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
from pathlib import Path

# Bound at import: the hard stop's messenger is started with this Popen even where a caller (a
# test) replaces subprocess.Popen to see which programs the build opens.
from subprocess import DEVNULL, Popen, SubprocessError
from typing import Any, TypeVar

from makebook import codes
from makebook.errors import BookError, Diagnostic, MakeBookError, OutputError, clip

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
    'MAKEBOOK_BUILD_SECONDS': 3600.0,
    'MAKEBOOK_BUILD_MEMORY_MB': 8192.0,
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
    left = remaining()
    by_build = left is not None and left < bounds.seconds  # the build's time ends first
    if left is not None and by_build:
        bounds = Bounds(left, bounds.memory_mb)
    read_end, write_end = os.pipe()
    log_read, log_write = os.pipe() if forwarded is not None else (-1, -1)
    give_back_free_memory()
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
    if timed_out and by_build:
        raise OutOfTime
    if timed_out:
        raise OutputError(f'{stage}: stopped after {bounds.seconds:g} seconds; the layout ran away '
                          f'(huge CSS values or images?); {hint}', code=codes.STAGE_TIMED_OUT.id)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU:
        # Its CPU time ran out: ours (the bound plus 5 s) or one inherited (ulimit -t, prlimit).
        raise OutputError(f'{stage}: stopped when its CPU time ran out (SIGXCPU: the bound of '
                          f'{bounds.seconds:g} seconds, or a limit set outside make-book, ulimit -t); '
                          f'{hint}', code=codes.STAGE_TIMED_OUT.id)
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


def give_back_free_memory() -> None:
    """The parent's garbage collected and the free pages of its heap given back to the system
    before a fork (the PDF's child; the child's own second process, pdf/helper.py). A page the
    parent holds free is shared with the child, which then reuses it for its own objects, so
    the child copies it while the parent keeps the original: the same memory counted twice for
    the whole layout. The Rust book: the parent 101 -> 59-64 MB PSS
    while its PDF is laid out (the rendering's buffers, freed but kept by malloc)."""
    gc.collect()
    try:
        import ctypes

        trim = ctypes.CDLL(None).malloc_trim  # glibc; musl and macOS have none
    except (OSError, AttributeError, ImportError):
        return
    trim.argtypes = [ctypes.c_size_t]
    trim(0)


def _child(function: Callable[..., Any], args: tuple[Any, ...], bounds: Bounds,
           write_end: int, log: tuple[str, int] | None = None) -> None:
    status = 0
    try:
        # The parent's objects (the rendered book, the modules) are shared with the child page
        # by page until written: a full collection writes to every object it looks at, so the
        # child would soon have copied the parent's whole heap (counted twice in the build's
        # memory). Frozen, the collector leaves them alone; the child keeps them alive anyway.
        gc.freeze()
        die_with_parent()
        if log is not None:
            _forward_log(*log)
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource
            # On top of what the child has from its parent at the fork (the libraries loaded,
            # a test runner's whole heap): an absolute limit below that would leave the child
            # unable to load WeasyPrint's libraries at all (MB006 'needs Pango').
            limit = _address_space_now() + bounds.memory_mb * 1024 * 1024
            inherited, _ = resource.getrlimit(resource.RLIMIT_AS)  # the build's, if lower
            if inherited != resource.RLIM_INFINITY:
                limit = min(limit, inherited)
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


class Beside:
    """``function(*args)`` running in a forked child while this process does other work; see
    :func:`beside`. Collect it with :meth:`result`, and :meth:`stop` it in a ``finally``."""

    def __init__(self, pid: int, read_end: int, tell_end: int = -1) -> None:
        self.pid: int | None = pid
        self.read_end = read_end
        self.tell_end = tell_end  # the child's :func:`told` reads what :meth:`tell` writes here

    def tell(self, value: Any) -> None:
        """Give the child the one value its :func:`told` waits for (what the child needs of this
        process's later work: the folder the cache was settled in)."""
        tell_end, self.tell_end = self.tell_end, -1
        if tell_end < 0:
            return
        with contextlib.suppress(OSError), os.fdopen(tell_end, 'wb') as stream:  # a child gone
            stream.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def result(self) -> Any | None:
        """What the function returned, once the child is done; None when the child made nothing
        to use (it raised, warned, died or was killed): the caller then does the work itself,
        which fails, warns and is bounded as it always did. Waiting is within the build's time
        (OutOfTime reaches the waiting caller, who stops the child)."""
        chunks: list[bytes] = []
        while chunk := os.read(self.read_end, 1 << 20):
            chunks.append(chunk)
        status = self._reap()
        if status != 0 or not chunks:
            return None
        try:
            return pickle.loads(b''.join(chunks))
        except Exception:  # a child killed half-way through its answer
            return None

    def stop(self) -> None:
        """The child killed, if it is still running, and waited for; the pipes closed (once:
        stopping it again closes nothing another file may have been given since)."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()
        for fd in (self.read_end, self.tell_end):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.read_end = self.tell_end = -1

    def _reap(self) -> int:
        pid, self.pid = self.pid, None
        if pid is None:
            return -1
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def beside(function: Callable[..., Any], *args: Any) -> Beside | None:
    """``function(*args)`` started in a forked child, so that it runs on another core while this
    process goes on (the web edition while the EPUB is made: they need nothing of each other);
    None where processes cannot be forked. What the function returns comes back pickled. The
    function may wait, with :func:`told`, for one value this process gives it later
    (:meth:`Beside.tell`).

    The child is only a way to have the result sooner: it does nothing the caller would not do
    itself, its output counts only when the function returned without a warning, and it never
    speaks for the build (no stages, no time checks, no messages: the caller, waiting in
    :meth:`Beside.result`, keeps the build's bounds). It dies with the build, and lives under
    the build's address-space limit, inherited.
    """
    if not hasattr(os, 'fork') or sys.platform == 'win32':
        return None
    read_end, write_end = os.pipe()
    hear_end, tell_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        os.close(tell_end)
        _beside_child(function, args, write_end, hear_end)
    os.close(write_end)
    os.close(hear_end)
    return Beside(pid, read_end, tell_end)


# In a child of :func:`beside`: where :func:`told` reads the parent's value.
_TOLD: int | None = None


def told() -> Any:
    """In a child of :func:`beside`: the value the parent gives with :meth:`Beside.tell`, once it
    does. Raises :class:`Cancelled` when the parent gives none (it stopped the child, or ended)."""
    if _TOLD is None:
        raise Cancelled
    with os.fdopen(_TOLD, 'rb', closefd=False) as stream:
        data = stream.read()
    if not data:
        raise Cancelled
    return pickle.loads(data)


def _beside_child(function: Callable[..., Any], args: tuple[Any, ...], write_end: int,
                  hear_end: int) -> None:
    global _WATCH, _TOLD
    status = 1
    _TOLD = hear_end
    try:
        gc.freeze()  # as in the PDF's child (_child): the parent's heap stays shared, not copied
        die_with_parent()
        _WATCH = None  # the parent's bounds, stages and hard-stop message are the parent's to keep
        with warnings.catch_warnings(record=True) as caught:
            value = function(*args)
        data = b'' if caught else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, 'wb') as stream:
            stream.write(data)
        status = 0 if data else 1
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
    """Run a stage; running out of stack or memory becomes a clear error naming it. Within
    :func:`whole_build`, the stage is what a stopped build names, and entering it is one of
    the places the build's time is checked."""
    watch = _WATCH
    if watch is not None:
        checkpoint()
        watch.stages.append(name)
        if watch.net is None and not watch.protected:
            _arm_native_net(watch)
        else:
            _tell_messenger(watch)
    try:
        yield
    except MemoryError:
        if watch is not None:
            watch.stopped()
            raise watch.out_of_memory() from None
        raise BookError(f'{name}: ran out of memory (a huge image or file?)',
                        code=codes.STAGE_EXHAUSTED.id) from None
    except RecursionError:
        raise BookError(f'{name}: the input is nested too deeply to process '
                        '(deeply nested lists, quotes or HTML?)', code=codes.STAGE_EXHAUSTED.id) from None
    except BaseException:
        if watch is not None:
            watch.stopped()  # where a bound was hit, if that is what this is
        raise
    finally:
        if watch is not None and watch.stages and watch.stages[-1] == name:
            watch.stages.pop()
            _tell_messenger(watch)


# ---- the whole build's bound

class OutOfMemory(BaseException):
    """The build's memory bound was reached (the watchdog saw its address space pass it): raised
    in the main thread as :class:`OutOfTime` is, and made MB027 by :func:`whole_build`."""


class OutOfTime(BaseException):
    """The whole build's time is up. A BaseException, as KeyboardInterrupt is, so that no
    ``except Exception`` on the way (a library's, a best-effort summary's) swallows it;
    :func:`whole_build` turns it into a BookError (MB026)."""


@dataclass(slots=True)
class _Watch:
    """The running build's bounds and where it is, for the message when one is hit."""

    seconds: float
    memory_mb: int
    deadline: float  # time.monotonic()
    stages: list[str]
    files: tuple[Path, ...] = ()  # the files being worked on, where known
    protected: int = 0  # inside uninterrupted(): the outputs are being written
    memory_limit: int | None = None  # bytes of address space the bound allows, once set
    memory_hit: bool = False  # the watchdog saw the address space pass memory_limit
    alarm: bool = False  # SIGALRM is ours: the watchdog may send it to the main thread
    native_net: bool = False  # faulthandler's timer is armed (see _arm_native_net)
    net: _Net | None = None  # the last net, once armed
    # Where the build was when a bound was hit (kept as the stages and files unwind).
    stopped_in: tuple[str, tuple[Path, ...]] | None = None

    def stopped(self) -> None:
        """Note where the build is: a bound was hit here."""
        if self.stopped_in is None:
            self.stopped_in = (self.stages[-1] if self.stages else 'starting', self.files)

    def where(self, now: bool = False) -> str:
        """'while rendering (book/03.md)': where the build stopped, or with ``now`` where it is (and
        nothing noted)."""
        if now:
            stage_, files = (self.stages[-1] if self.stages else 'starting'), self.files
        else:
            self.stopped()
            stage_, files = self.stopped_in or ('starting', ())
        shown = ', '.join(str(_relative(path)) for path in files[:3])
        more = f' and {len(files) - 3} more' if len(files) > 3 else ''
        return f'while {stage_}' + (f' ({shown}{more})' if shown else '')

    def diagnostics(self, code: codes.Code, message: str, now: bool = False) -> list[Diagnostic]:
        if now:
            return []  # a hard stop prints its one line only
        self.stopped()
        return [code(message, path) for path in (self.stopped_in or ('', ()))[1][:3]]

    def out_of_time(self, now: bool = False) -> BookError:
        message = (f'the build was stopped after {self.seconds:g} s '
                   f'(MAKEBOOK_BUILD_SECONDS={self.seconds:g}), '
                   f'{self.where(now)}; the previous outputs are untouched')
        return BookError(message, self.diagnostics(codes.BUILD_TIMED_OUT, f'being worked on when the build '
                                                    f'was stopped after {self.seconds:g} s', now),
                         code=codes.BUILD_TIMED_OUT.id)

    def out_of_memory(self, now: bool = False) -> BookError:
        message = (f'the build ran out of memory (MAKEBOOK_BUILD_MEMORY_MB={self.memory_mb}), '
                   f'{self.where(now)}; the previous outputs are untouched')
        return BookError(message, self.diagnostics(codes.BUILD_OUT_OF_MEMORY, 'being worked on when the '
                                                    f'build ran out of memory ({self.memory_mb} MB)', now),
                         code=codes.BUILD_OUT_OF_MEMORY.id)


_WATCH: _Watch | None = None
# After the deadline, this long for the build to stop by itself (OutOfTime is raised between
# Python steps): a stage stuck inside a library's C code is then ended with the process.
HARD_STOP_GRACE = 30.0


def _relative(path: Path) -> Path:
    with contextlib.suppress(ValueError):
        return path.relative_to(Path.cwd()) if path.is_absolute() else path
    return path


@contextlib.contextmanager
def whole_build() -> Iterator[None]:
    """Run the build within MAKEBOOK_BUILD_SECONDS and MAKEBOOK_BUILD_MEMORY_MB; raises BookError
    (MB026, MB027) naming the stage and the files being worked on when a bound is hit.

    Time: checked on entering every stage and every file, and, in the main thread, by a
    SIGALRM that raises :class:`OutOfTime` wherever the build is (repeated each second, so
    it cannot be lost); the PDF's child process gets no more than what is left. A build stuck
    in C code past the deadline for :data:`HARD_STOP_GRACE` is ended with its process
    (status 1, the message on stderr); one whose C code holds the GIL, so that not even
    that watchdog runs, one grace later by faulthandler's timer, the message printed by a
    process of its own (:func:`_arm_native_net`). Writing the outputs
    (:func:`uninterrupted`) is never cut in the middle. Memory: the address space (RLIMIT_AS) is
    capped at the bound for the build (on top of what the process has when it starts), so a
    runaway allocation raises MemoryError instead of taking the machine.
    Re-entering (a build inside a build) keeps the outer bound.
    """
    global _WATCH
    if _WATCH is not None:
        yield
        return
    seconds = positive_number('MAKEBOOK_BUILD_SECONDS', ENVIRONMENT_BOUNDS['MAKEBOOK_BUILD_SECONDS'])
    memory_mb = max(1, int(positive_number('MAKEBOOK_BUILD_MEMORY_MB',
                                           ENVIRONMENT_BOUNDS['MAKEBOOK_BUILD_MEMORY_MB'])))
    watch = _WATCH = _Watch(seconds, memory_mb, time.monotonic() + seconds, [])
    with contextlib.ExitStack() as undo:
        undo.callback(_forget, watch)
        undo.enter_context(_address_space(memory_mb, watch))
        undo.enter_context(_alarm(seconds, watch))
        undo.enter_context(_watchdog(watch, seconds + HARD_STOP_GRACE + seconds / 10))
        undo.callback(_disarm_native_net, watch)  # armed by the first stage (see stage())
        try:
            yield
        except OutOfTime:
            raise watch.out_of_time() from None
        except (MemoryError, OutOfMemory):
            raise watch.out_of_memory() from None
        except MakeBookError:
            raise
        except Exception as exc:
            # A library that turns a failed allocation into its own error (lxml: 'XMLSyntaxError:
            # unknown error'), or a render worker that died of it (a Rust library aborts): if
            # the build came up against the bound, that is what it was.
            from concurrent.futures.process import BrokenProcessPool
            if watch.memory_hit or _at_address_limit() or isinstance(exc, BrokenProcessPool):
                raise watch.out_of_memory() from None
            raise


def _forget(watch: _Watch) -> None:
    global _WATCH
    if _WATCH is watch:
        _WATCH = None


def checkpoint() -> None:
    """Raise :class:`OutOfTime` if the build's time is up, :class:`OutOfMemory` if its memory
    is (outside :func:`uninterrupted`)."""
    watch = _WATCH
    if watch is None or watch.protected:
        return
    if watch.memory_hit:
        raise OutOfMemory
    if time.monotonic() > watch.deadline:
        raise OutOfTime


def remaining() -> float | None:
    """Seconds left of the build's time; None outside a bounded build."""
    watch = _WATCH
    return None if watch is None else max(0.001, watch.deadline - time.monotonic())


@contextlib.contextmanager
def working_on(*paths: Path) -> Iterator[None]:
    """The build is busy with ``paths`` (named if a bound is hit meanwhile); checks the time."""
    watch = _WATCH
    if watch is None:
        yield
        return
    checkpoint()
    before, watch.files = watch.files, tuple(paths)
    _tell_messenger(watch)
    try:
        yield
    except BaseException:
        watch.stopped()  # where a bound was hit, if that is what this is
        raise
    finally:
        watch.files = before
        _tell_messenger(watch)


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Never stopped for time in the middle (the outputs being swapped in): a deadline passing
    meanwhile is noticed at the next checkpoint."""
    watch = _WATCH
    if watch is None:
        yield
        return
    watch.protected += 1
    _cancel_native_net(watch)  # nothing may end the process while the outputs are swapped in
    try:
        yield
    finally:
        watch.protected -= 1
        if not watch.protected:
            _start_timer(watch)  # the formats still to make (watch mode writes each when made)


def _on_alarm(signum: int, frame: object) -> None:
    watch = _WATCH
    if watch is None:
        return
    if watch.protected:  # the alarm comes again a second later (or the watchdog's)
        return
    if watch.memory_hit:
        raise OutOfMemory
    if time.monotonic() >= watch.deadline - 0.01:
        raise OutOfTime


@contextlib.contextmanager
def _alarm(seconds: float, watch: _Watch) -> Iterator[None]:
    """SIGALRM after ``seconds``, then every second, raising OutOfTime; only in the main thread
    and when nobody else uses SIGALRM (elsewhere the checkpoints alone keep the time)."""
    import threading
    usable = (hasattr(signal, 'setitimer') and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None))
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    watch.alarm = True
    try:
        yield
    finally:
        watch.alarm = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _watchdog(watch: _Watch, after: float) -> Iterator[None]:
    """A thread that looks at the build's resident memory 20 times a second: past the bound, the
    main thread is told (SIGALRM, or its next checkpoint) and stops with MB027 before the
    harder RLIMIT_AS is reached, where a Rust library (nh3) would abort the process instead
    of failing an allocation. It also ends the process, with the message, if the build is
    still running ``after`` seconds on (stuck where OutOfTime cannot reach it); never while
    the outputs are being written."""
    import threading
    stop = threading.Event()
    main = threading.main_thread().ident

    def look() -> None:
        hard_deadline = time.monotonic() + after
        while not stop.wait(0.05):
            if _WATCH is not watch:
                return
            if not watch.memory_hit and watch.memory_limit is not None \
                    and _resident_now() > watch.memory_limit:
                watch.memory_hit = True
                _tell_messenger(watch)
                if watch.alarm and main is not None:
                    with contextlib.suppress(Exception):
                        signal.pthread_kill(main, signal.SIGALRM)
            if time.monotonic() > hard_deadline and not watch.protected:
                error = watch.out_of_memory() if watch.memory_hit else watch.out_of_time()
                with contextlib.suppress(Exception):
                    _write_stop_line(_stop_line(error))
                os._exit(1)

    thread = threading.Thread(target=look, name='make-book bounds', daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


# ---- the last net: a stage stuck in C code that holds the GIL

# The messenger: a process of its own, spawned (not forked: this process has threads, whose locks a
# fork would copy held), with the standard library only and no site (~20 ms of CPU, once a build
# starts working: see :func:`_arm_native_net`). Its arguments: the gate's read end, the file
# holding the stop's message, how full the gate was left, the build's pid. It waits until
# faulthandler's report starts filling the gate (the build is stuck: its timer fired), prints
# the message, then lets the report through (thrown away), after which faulthandler ends the
# build. It leaves quietly when the build is gone.
_MESSENGER = r'''
import fcntl, os, select, struct, sys, termios
gate, state, filled, build = map(int, sys.argv[1:])
def queued():
    return struct.unpack('i', fcntl.ioctl(gate, termios.FIONREAD, b'0000'))[0]
while os.getppid() == build and queued() <= filled:
    select.select([], [], [], 0.1)
if os.getppid() == build:
    line = os.pread(state, 1 << 16, 0).split(b'\0')[0]
    if os.isatty(2):  # as _write_stop_line: over the frozen progress line, the cursor shown again
        line = b'\r\x1b[2K' + line + b'\x1b[?25h'
    os.write(2, line)
    while os.getppid() == build:
        if select.select([gate], [], [], 0.1)[0] and not os.read(gate, 1 << 16):
            break
'''
# Room left in the gate: faulthandler's first line ('Timeout (0:00:08)!', under 30 bytes) fits, so
# the messenger sees that it fired; its report (a thread's header alone is over 40) does not.
_GATE_ROOM = 64


@dataclass(slots=True)
class _Net:
    """The armed last net: faulthandler writes into ``gate``, a pipe the messenger reads; ``state``
    holds the message a stop prints, kept current as the stage and files change."""

    gate: int  # the write end (faulthandler's file)
    state: int
    messenger: Popen[bytes] | None  # None where none could be started


def _arm_native_net(watch: _Watch) -> None:
    """The last net, armed when the build starts working (a build that finds nothing to do pays
    nothing): faulthandler's timer, a C thread that needs no GIL, ends the process (status 1)
    one grace after the watchdog thread's own stop. C code that holds the GIL and never looks at
    signals stops both SIGALRM's handler and that thread (a C extension's loop, ctypes.PyDLL); it
    cannot stop this. No Python can run in the build then, so the message is printed by the
    messenger process (:data:`_MESSENGER`): faulthandler's report goes into a pipe left nearly
    full, so that the report's first line shows the messenger the timer fired and the rest waits
    until the message is on stderr; the report itself, a traceback, never reaches the terminal.
    Where no messenger can be started (not Linux), the process still ends, silently."""
    try:
        state = _message_file()
        read_end, gate = os.pipe()
    except OSError:  # out of file descriptors: no net (the watchdog thread's stop still holds)
        return
    net = watch.net = _Net(gate, state, messenger=None)
    _tell_messenger(watch)
    try:
        net.messenger = _start_messenger(read_end, net)
    except (ImportError, AttributeError, OSError, ValueError, SubprocessError):
        pass  # no messenger: faulthandler's writes fail at once (no reader) and it ends the build
    finally:
        os.close(read_end)  # the messenger's copy is the only reader: if it dies, nobody waits on it
    _start_timer(watch)


def _start_timer(watch: _Watch) -> None:
    """faulthandler's timer, to end the process one grace after the watchdog thread's own stop."""
    import faulthandler

    if watch.net is None:
        return
    after = watch.deadline + 2 * HARD_STOP_GRACE + watch.seconds / 10 - time.monotonic()
    faulthandler.dump_traceback_later(max(after, 1.0), exit=True, file=watch.net.gate)
    watch.native_net = True


def _message_file() -> int:
    """A file in memory for the stop's message (a temporary file where there is no memfd)."""
    with contextlib.suppress(AttributeError, OSError):  # Linux's memfd; a temporary file elsewhere
        return os.memfd_create('make-book stop')
    import tempfile
    with tempfile.TemporaryFile() as file:
        return os.dup(file.fileno())


def _start_messenger(read_end: int, net: _Net) -> Popen[bytes]:
    """The gate left :data:`_GATE_ROOM` bytes short of full, and the messenger started on it."""
    import fcntl

    if not sys.executable:
        raise OSError('no Python to start')
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(net.gate, fcntl.F_SETPIPE_SZ, 4096)  # Linux: one page is all it needs
    filled = fcntl.fcntl(net.gate, fcntl.F_GETPIPE_SZ) - _GATE_ROOM
    os.write(net.gate, bytes(filled))
    return Popen([sys.executable, '-I', '-S', '-c', _MESSENGER, str(read_end), str(net.state), str(filled),
                  str(os.getpid())], pass_fds=(read_end, net.state), stdin=DEVNULL, stdout=DEVNULL)


def _tell_messenger(watch: _Watch) -> None:
    """Keep the message a hard stop prints current (the stage and files being worked on now)."""
    net = watch.net
    if net is None:
        return
    line = _stop_line(watch.out_of_memory(now=True) if watch.memory_hit
                      else watch.out_of_time(now=True)).encode('utf-8', 'replace')
    with contextlib.suppress(OSError):
        # One write, ended by a NUL (the messenger reads up to it): the watchdog thread may write
        # at the same time (MB027), and whichever writes last is read whole.
        os.pwrite(net.state, line + b'\0', 0)


def _write_stop_line(line: str) -> None:
    """``line`` straight onto file descriptor 2, as the messenger writes it: not through sys.stderr,
    which on a terminal is rich's proxy (it wraps the line and draws the progress line again
    under it). On a terminal the frozen progress line is erased first, and the cursor it hid is
    shown again."""
    data = line.encode('utf-8', 'replace')
    if os.isatty(2):
        data = b'\r\x1b[2K' + data + b'\x1b[?25h'
    os.write(2, data)


def _stop_line(error: MakeBookError) -> str:
    """What the CLI prints for ``error`` without a file: 'make-book: MB026 error: ...'."""
    return f'make-book: {error.code} error: {error}\n'


def _cancel_native_net(watch: _Watch) -> None:
    """Stop faulthandler's timer (it can no longer end the process: the outputs are being written,
    or the build is over). The messenger stays until the build ends: :func:`_disarm_native_net`."""
    if watch.net is not None and watch.native_net:
        import faulthandler

        faulthandler.cancel_dump_traceback_later()
    watch.native_net = False


def _disarm_native_net(watch: _Watch) -> None:
    """At the build's end: the timer stopped, the messenger ended and waited for (none is left
    behind, also when main() is called in a test's process), the gate and the message closed."""
    net = watch.net
    if net is None:
        return
    _cancel_native_net(watch)
    watch.net = None
    if net.messenger is not None:
        with contextlib.suppress(OSError):
            net.messenger.kill()
        net.messenger.wait()
    for fd in (net.gate, net.state):
        with contextlib.suppress(OSError):
            os.close(fd)


def _address_space_now(field: int = 0) -> int:
    """The process's address space in bytes (what RLIMIT_AS limits), or with ``field=1`` its
    resident memory; 0 if unknown."""
    try:
        with open('/proc/self/statm', encoding='ascii') as statm:
            return int(statm.read().split()[field]) * os.sysconf('SC_PAGE_SIZE')
    except (OSError, ValueError, IndexError):
        return 0


def _resident_now() -> int:
    return _address_space_now(1)


_LIMIT: list[int] = []  # the address-space limit set for the running build, if any


def _at_address_limit() -> bool:
    """Whether the process's peak address space came within 64 MB of the build's limit."""
    if not _LIMIT:
        return False
    try:
        with open('/proc/self/status', encoding='ascii') as status:
            peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith('VmPeak:'))
    except (OSError, StopIteration, ValueError, IndexError):
        return False
    return peak >= _LIMIT[-1] - 64 * 1024 * 1024


@contextlib.contextmanager
def _address_space(memory_mb: int, watch: _Watch) -> Iterator[None]:
    """The bound: the memory the process has now plus ``memory_mb`` (at least 16 MB, to report
    with), resident memory watched by :func:`_watchdog` (address space would count what a
    thread merely reserves); and the address space it has now plus the bound and half as much
    again (at least 256 MB), as RLIMIT_AS for the build (never raised, put back afterwards),
    so a runaway allocation fails even where the watchdog is too slow. Counted from now: what
    make-book itself has loaded (or a test runner calling it) is not the book's doing."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except ImportError:
        yield
        return
    now, resident = _address_space_now(), _resident_now()
    if not now:
        yield
        return
    bound = max(memory_mb, 16) * 1024 * 1024
    watch.memory_limit = resident + bound
    limit = now + bound + max(bound // 2, 256 * 1024 * 1024)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        yield
        return
    _LIMIT.append(limit)
    try:
        yield
    finally:
        _LIMIT.pop()
        with contextlib.suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
