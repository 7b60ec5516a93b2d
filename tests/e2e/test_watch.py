"""make-book watch, as an author uses it: a save rebuilds the book (the web edition written before the
EPUB), a broken save is reported and watching goes on, Ctrl-C stops it with whole outputs.

The watcher is a child process that stops by itself (--stop-after) should a test fail before its Ctrl-C.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from makebook.cli import main
from makebook.safety.output import TEMP_PREFIX
from tests.tools import ctrl_c_at_its_default, dump_stacks_and_kill, faulthandler_env

pytestmark = pytest.mark.slow

CHAPTER = Path('manuscript') / '02-the-second-chapter.md'


class Watched:
    """A running ``make-book watch`` and every line it has written to stderr so far."""

    def __init__(self, book: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'makebook', 'watch', str(book), '--format', 'html,epub',
             '--stop-after', '240'], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=faulthandler_env(), preexec_fn=ctrl_c_at_its_default)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip('\n'))

    def wait_for(self, test: Callable[[], bool], what: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not test():
            assert self.process.poll() is None, f'watch ended: {self.lines}'
            assert time.monotonic() < deadline, f'{what}: not within {seconds} s; it said {self.lines}'
            time.sleep(0.2)

    def said(self, text: str, after: int = 0) -> bool:
        return any(text in line for line in self.lines[after:])

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        # wait(), not communicate(): the reader thread owns stderr, and communicate() would race it
        # for the last lines (the 'stopped' line went to communicate() and was lost).
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            dump_stacks_and_kill(self.process)
            self.reader.join(timeout=30)
            pytest.fail('watch did not stop within 120 s of Ctrl-C; it said:\n' + '\n'.join(self.lines))
        self.reader.join(timeout=30)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return self.process.returncode


def web_text(book: Path) -> str:
    return ''.join(page.read_text(encoding='utf-8') for page in (book / 'build' / 'html').glob('*.html'))


def test_a_save_rebuilds_the_book_and_a_broken_save_does_not_stop_the_watch(tmp_path: Path, capsys) -> None:
    assert main(['new', str(tmp_path / 'book'), '--title', 'Watched Book', '-q']) == 0
    book = tmp_path / 'book'
    chapter = book / CHAPTER
    epub = book / 'build' / 'watched-book.epub'
    watched = Watched(book)
    try:
        watched.wait_for(lambda: watched.said('built in'), 'the first build')
        firsts = [line.split()[0] for line in watched.lines if line.startswith('  ')]
        assert firsts[:2] == ['web', 'EPUB'], watched.lines  # the web edition first

        epub_before = epub.stat().st_mtime_ns
        mark = len(watched.lines)
        chapter.write_text(chapter.read_text(encoding='utf-8') + '\nA sentence written while watching.\n',
                           encoding='utf-8')
        watched.wait_for(lambda: 'A sentence written while watching.' in web_text(book), 'the edit')
        watched.wait_for(lambda: watched.said('built in', mark), 'the rebuild')
        assert watched.said('02-the-second-chapter.md changed', mark)
        assert epub.stat().st_mtime_ns != epub_before

        mark = len(watched.lines)
        chapter.write_text(chapter.read_text(encoding='utf-8') + '\n![A map](nowhere.png)\n',
                           encoding='utf-8')
        watched.wait_for(lambda: watched.said('watching for changes', mark) and watched.said('MB305', mark),
                         'the failed build')
        assert watched.said('the previous outputs are untouched', mark)
        assert 'A sentence written while watching.' in web_text(book)  # the last good edition stays

        mark = len(watched.lines)
        chapter.write_text(chapter.read_text(encoding='utf-8').replace('![A map](nowhere.png)', 'Fixed.'),
                           encoding='utf-8')
        watched.wait_for(lambda: watched.said('built in', mark), 'the build after the fix')
        assert 'Fixed.' in web_text(book)
    finally:
        code = watched.stop()
    assert code == 0, watched.lines
    assert not any('Traceback' in line for line in watched.lines)
    assert watched.said('stopped; the outputs are whole')
    assert not [p for p in (book / 'build').rglob('*') if p.name.startswith(TEMP_PREFIX)]
