"""The author's loop under ``watch`` and ``serve``: a save, then the book built again.

watchfiles reports changes in the manuscript folder (chapters, images,
stylesheets, the metadata); a builder thread builds the web edition first,
then the EPUB, then the PDF, writing each as soon as it is made
(:func:`makebook.build.build_in_turn`). A save that arrives while it works
calls the build off at the next file rendered or format made (or kills the
PDF's layout) and starts it again, so the newest text is what gets built. A
build that fails is reported and the loop goes on. Everything it does is told
to ``listeners`` (the terminal; the preview server's browsers).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from makebook import codes
from makebook.commands.common import Printer
from makebook.errors import MakeBookError
from makebook.model import BuildOptions

if TYPE_CHECKING:
    from makebook.build import BuildResult, Output

ORDER = ('html', 'epub', 'pdf')  # what the author looks at first comes first


@dataclass(frozen=True)
class Event:
    """Something the loop did: 'building', 'output', 'built', 'failed', 'cancelled'."""

    kind: str
    changed: tuple[str, ...] = ()  # 'building': the files that changed (names), () for the first build
    output: Output | None = None  # 'output': the format just written
    result: BuildResult | None = None  # 'built'
    error: MakeBookError | None = None  # 'failed'
    seconds: float = 0.0  # 'built', 'failed': since the build began
    when: float = field(default_factory=time.time)


Listener = Callable[[Event], None]


class Builder:
    """Builds the book whenever asked, in a thread of its own; a newer request calls off the
    build under way."""

    def __init__(self, options: BuildOptions, listeners: Iterable[Listener]) -> None:
        self.options = options
        self.listeners = list(listeners)
        self.out_dir: Path | None = None  # known after the first read: changes there are ours
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        # Each file's content (its SHA-256; None: no such file) as the last build began: a save
        # that leaves a file as it was (an editor saving twice, a touch) builds nothing and calls
        # off nothing (a PDF half laid out goes on).
        self._read: dict[str, str | None] = {}
        self._first = True
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name='make-book builder', daemon=True)

    def start(self) -> None:
        if not self._thread.is_alive():
            self._thread.start()
            self.request(())

    def request(self, changed: Iterable[str]) -> None:
        """Build again for ``changed`` (names under the watched folder; none: build anyway),
        unless every file named is as the build under way, or the last one, read it."""
        changed = tuple(changed)
        with self._lock:
            news = [name for name in changed if self._read.get(name, '?') != self._content(name)]
            if changed and not news:
                return
            self._pending.update(news)
            self._wake.set()

    def _content(self, name: str) -> str | None:
        path = watched_folder(self.options) / name
        try:
            return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        except OSError:
            return None

    def _remember(self, changed: tuple[str, ...]) -> None:
        """The content of the files this build reads: those ``changed``, or, on the first
        build, every file under the watched folder (but the outputs)."""
        if not changed:
            root = watched_folder(self.options)
            changed = tuple(_relative(path, root) for path in _files_under(root, self.out_dir))
        contents = {name: self._content(name) for name in changed}
        with self._lock:
            self._read.update(contents)

    def stop(self) -> None:
        """Call off the build under way (nothing half-written stays) and end the thread."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def busy_or_waiting(self) -> bool:
        return self._wake.is_set()

    def _written(self, made: Output) -> None:
        self._tell(Event('output', output=made))

    def _tell(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    def _run(self) -> None:
        from makebook.build import build_in_turn, plan, read
        from makebook.safety.limits import Cancelled

        while True:
            self._wake.wait()
            if self._stopping:
                return
            with self._lock:
                changed, self._pending = tuple(sorted(self._pending)), set()
                self._wake.clear()
            first, self._first = self._first, False
            self._tell(Event('building', changed=changed))
            start = time.perf_counter()
            try:
                if self.out_dir is None:
                    self.out_dir = plan(self.options, read(self.options)).out_dir.resolve()
                self._remember(() if first else changed)
                result = build_in_turn(self.options, ORDER, self._written, _Cancellable(self._wake),
                                       cancelled=self._wake.is_set)
            except Cancelled:
                with self._lock:  # the files of the build called off are built with the next one
                    self._pending.update(changed)
                    self._first = self._first or first
                self._tell(Event('cancelled', changed=changed))
                continue
            except MakeBookError as exc:
                self._tell(Event('failed', error=exc, seconds=time.perf_counter() - start))
                continue
            except Exception as exc:  # never let the loop die: say what happened and go on
                crash = MakeBookError(f'the build stopped: {type(exc).__name__}: {exc}',
                                      code=codes.STAGE_CRASHED.id)
                self._tell(Event('failed', error=crash, seconds=time.perf_counter() - start))
                continue
            self._tell(Event('built', result=result, seconds=time.perf_counter() - start))


class _Cancellable:
    """A :class:`~makebook.model.Progress` that calls the build off between files rendered."""

    def __init__(self, wake: threading.Event) -> None:
        self.wake = wake

    def stage(self, name: str, total: int = 0) -> None:
        self.advance(0)

    def advance(self, count: int = 1) -> None:
        if self.wake.is_set():
            from makebook.safety.limits import Cancelled

            raise Cancelled


def watched_folder(options: BuildOptions) -> Path:
    """The folder whose changes matter: the manuscript folder (a single file's own folder)."""
    path = options.manuscript.resolve()
    return path if path.is_dir() else path.parent


async def watch(options: BuildOptions, builder: Builder, stop: asyncio.Event) -> None:
    """Ask ``builder`` for a build after each change under the manuscript folder, until ``stop``."""
    import watchfiles

    root = watched_folder(options)

    class Filter(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            out_dir = builder.out_dir
            name = Path(path).name
            if name.startswith('.make-book-') or (out_dir is not None and Path(path).is_relative_to(out_dir)):
                return False  # make-book's own writing
            return super().__call__(change, path)

    async for changes in watchfiles.awatch(root, watch_filter=Filter(), stop_event=stop, step=30,
                                           debounce=400, raise_interrupt=False):
        names = {_relative(Path(path), root) for _, path in changes}
        builder.request(names)


def _files_under(root: Path, skipped: Path | None) -> Iterator[Path]:
    """Every file under ``root``, but those under ``skipped`` (the output folder) and hidden ones."""
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = [name for name in folders if not name.startswith('.')
                      and (skipped is None or here / name != skipped)]
        yield from (here / name for name in files if not name.startswith('.'))


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class TerminalReport:
    """What the terminal shows of the loop: each rebuild, its outputs, its problems."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer

    def __call__(self, event: Event) -> None:
        from makebook.commands.build import summary
        from makebook.commands.common import count

        clock = time.strftime('%H:%M:%S', time.localtime(event.when))
        if event.kind == 'building' and not self.printer.quiet:
            what = ', '.join(event.changed[:3]) + (f' and {len(event.changed) - 3} more'
                                                   if len(event.changed) > 3 else '')
            self.printer.note(f'{clock} {what + " changed: " if what else ""}building')
        elif event.kind == 'output' and event.output is not None and not self.printer.quiet:
            print(f'  {summary(event.output)}', file=self.printer.err)
        elif event.kind == 'built' and event.result is not None:
            if not self.printer.quiet:
                self.printer.problems(event.result.warnings)
                found = f' ({count(event.result.warnings)})' if event.result.warnings else ''
                self.printer.note(f'{clock} built in {event.seconds:.1f} s{found}; watching for changes')
        elif event.kind == 'failed' and event.error is not None:
            self.printer.failure(event.error)
            self.printer.note(f'{clock} the previous outputs are untouched; watching for changes')
        elif event.kind == 'cancelled' and self.printer.verbose:
            self.printer.note(f'{clock} a newer save: building again')


def run_loop(options: BuildOptions, listeners: list[Listener], printer: Printer,
             serve: Callable[[Builder, asyncio.Event], Any] | None = None,
             stop_after: float | None = None) -> int:
    """Watch and rebuild (and serve, when given) until Ctrl-C, or ``stop_after`` seconds."""
    builder = Builder(options, listeners)

    async def main() -> None:
        stop = asyncio.Event()
        if stop_after:
            asyncio.get_running_loop().call_later(stop_after, stop.set)
        tasks = [asyncio.create_task(watch(options, builder, stop))]
        if serve is not None:  # it starts the builder once it listens, so no event is lost
            tasks.append(asyncio.create_task(serve(builder, stop)))
        else:
            builder.start()
        try:
            await stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        builder.stop()  # the build under way is called off: whole outputs or the old ones
    printer.note('stopped; the outputs are whole (each is written to a temporary name, then renamed)')
    return 0
