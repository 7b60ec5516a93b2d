"""What a build is doing, shown while it works (the build calls :class:`~makebook.model.Progress`).

* On a terminal: a live line drawn by rich (stage, a bar for the files being
  rendered, elapsed time), gone when the build ends, leaving the summary.
* Elsewhere (CI logs, pipes): one plain line per stage, as it begins.
* ``-q``: nothing. ``-v``: each stage's time as it ends (make-book's own
  stages, never WeasyPrint's internal steps: the PDF's layout passes and
  pages are heard from them, build.LayoutProgress, and shown as stages).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

from makebook.commands.common import Printer


def for_printer(printer: Printer) -> Display:
    """The display a command should use: live on a terminal, plain lines elsewhere, none with -q."""
    if printer.quiet:
        return Display(printer)
    if printer.err.isatty():
        return LiveDisplay(printer)
    return PlainDisplay(printer)


class Display:
    """A :class:`~makebook.model.Progress` that shows nothing but times stages for ``-v``."""

    def __init__(self, printer: Printer) -> None:
        self.printer = printer
        self.name = ''
        self.total = 0
        self.done = 0
        self.started = time.perf_counter()
        self.timings: list[tuple[str, float]] = []

    def stage(self, name: str, total: int = 0) -> None:
        self._finish_stage()
        self.name, self.total, self.done, self.started = name, total, 0, time.perf_counter()
        self.show_stage()

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.show_advance()

    def show_stage(self) -> None:
        pass

    def show_advance(self) -> None:
        pass

    def label(self) -> str:
        if self.name == 'rendering' and self.total:
            return f'rendering {self.total} file{"s" if self.total != 1 else ""}'
        if self.name.startswith('laying out') and self.done:  # its pages, once laid out
            return f'{self.name}, {self.done} page{"s" if self.done != 1 else ""}'
        return self.name

    def _finish_stage(self) -> None:
        if not self.name:
            return
        seconds = time.perf_counter() - self.started
        self.timings.append((self.label(), seconds))
        if self.printer.verbose:
            self.timed(self.label(), seconds)
        self.name = ''

    def timed(self, label: str, seconds: float) -> None:
        print(f'make-book: {label}: {seconds:.2f} s', file=self.printer.err)

    def __enter__(self) -> Display:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._finish_stage()
        self.close()

    def close(self) -> None:
        pass


class PlainDisplay(Display):
    """One line per stage as it begins, for logs."""

    def show_stage(self) -> None:
        print(f'make-book: {self.label()}', file=self.printer.err, flush=True)


class LiveDisplay(Display):
    """rich's live progress line on the terminal (imported only here, only on a terminal)."""

    def __init__(self, printer: Printer, stream: TextIO | None = None) -> None:
        super().__init__(printer)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.live = Progress(SpinnerColumn(), TextColumn('[bold]{task.description}'), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
                             transient=True)
        self.task: Any = None
        self.live.start()

    def show_stage(self) -> None:
        if self.task is not None:
            self.live.remove_task(self.task)
        self.task = self.live.add_task(self.label(), total=self.total or None)

    def show_advance(self) -> None:
        if self.task is not None:
            self.live.update(self.task, completed=self.done)

    def timed(self, label: str, seconds: float) -> None:
        self.console.print(f'make-book: {label}: {seconds:.2f} s')

    def close(self) -> None:
        self.live.stop()
