"""make-book serve, as an author uses it: a real server on 127.0.0.1, fetched with a real HTTP client;
an edit makes the server send 'reload' and serve the new text; a broken save sends the problem to the
browser; only the output folder is served; Ctrl-C stops it with whole outputs.

The server is a child process that stops by itself (--stop-after) should a test fail before its
Ctrl-C; every request goes to 127.0.0.1.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from makebook.cli import main
from makebook.safety.output import TEMP_PREFIX
from tests.tools import ctrl_c_at_its_default, dump_stacks_and_kill, faulthandler_env

CHAPTER = Path('manuscript') / '02-the-second-chapter.md'


class Served:
    """A running ``make-book serve`` and what it says."""

    def __init__(self, book: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'makebook', 'serve', str(book), '--port', '0', '--stop-after', '240',
             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=faulthandler_env(),
            preexec_fn=ctrl_c_at_its_default)
        line = self.process.stdout.readline()  # 'Serving http://127.0.0.1:PORT/ ...'
        assert line.startswith('Serving http://127.0.0.1:'), line + self.process.stderr.read()
        self.url = line.split()[1]
        self.readers: list[threading.Thread] = []

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip('/'), timeout=30) as response:
                return response.status, response.read().decode('utf-8', 'replace')
        except urllib.error.HTTPError as error:
            return error.code, ''

    def status(self) -> dict:
        return json.loads(self.get('/_make-book/status.json')[1])

    def wait_for(self, test, what: str, seconds: float = 120) -> dict:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            state = self.status()
            if test(state):
                return state
            time.sleep(0.2)
        raise AssertionError(f'{what}: not within {seconds} s; last state {state}')

    def events(self) -> queue.Queue:
        """The server-sent events, as (name, data) pairs, read by a thread of their own."""
        found: queue.Queue = queue.Queue()
        response = urllib.request.urlopen(self.url + '_make-book/events', timeout=240)

        def read() -> None:
            name = None
            with response:
                for raw in response:
                    line = raw.decode().rstrip('\n')
                    if line.startswith('event: '):
                        name = line[7:]
                    elif line.startswith('data: ') and name:
                        found.put((name, json.loads(line[6:])))
                        name = None
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        self.readers.append(reader)
        return found

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        try:
            _, err = self.process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            dump_stacks_and_kill(self.process)
            _, err = self.process.communicate(timeout=30)
            pytest.fail(f'serve did not stop within 120 s of Ctrl-C; it said:\n{err}')
        for reader in self.readers:  # the server ends each event stream as it stops
            reader.join(timeout=30)
        return self.process.returncode, err


def next_event(events: queue.Queue, wanted: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            name, data = events.get(timeout=max(deadline - time.monotonic(), 0.1))
        except queue.Empty:
            break
        if name == wanted:
            return data
    raise AssertionError(f"no '{wanted}' event within {seconds} s")


@pytest.fixture
def new_book(tmp_path: Path, capsys) -> Path:
    assert main(['new', str(tmp_path / 'book'), '--title', 'Served Book', '-q']) == 0
    return tmp_path / 'book'


def test_serve_reloads_after_a_save_and_shows_a_failed_build(new_book: Path) -> None:
    served = Served(new_book, '--format', 'html,epub')
    try:
        served.wait_for(lambda s: 'html' in s['outputs'] and not s['building'], 'the first build')
        status, page = served.get('/html/')
        assert status == 200
        assert 'The Second Chapter' in page and '/_make-book/live.js' in page
        assert served.get('/')[0] == 200  # redirected to the web edition
        assert served.get('/_make-book/live.js')[0] == 200
        events = served.events()

        chapter = new_book / CHAPTER
        chapter.write_text(chapter.read_text(encoding='utf-8') + '\nA sentence written while serving.\n',
                           encoding='utf-8')
        next_event(events, 'reload')
        assert 'A sentence written while serving.' in served.get('/html/')[1]
        assert '/_make-book/live.js' not in (new_book / 'build' / 'html' / 'index.html').read_text(
            encoding='utf-8')  # the script is added as the page is served, never written

        chapter.write_text(chapter.read_text(encoding='utf-8') + '\n![A map](nowhere.png)\n',
                           encoding='utf-8')
        failed = next_event(events, 'failed')
        assert any('02-the-second-chapter.md' in p and 'MB305 error' in p for p in failed['problems'])
        assert 'A sentence written while serving.' in served.get('/html/')[1]  # the last good page stays
        status_page = served.get('/_make-book/')[1]
        assert 'The last build failed' in status_page and 'MB305' in status_page
        assert 'served-book.epub' in status_page

        for hidden in ('/.make-book-cache/', '/html/.make-book-files', '/../manuscript/metadata.yaml',
                       '/%2e%2e/manuscript/metadata.yaml', '/nothing-here'):
            assert served.get(hidden)[0] == 404, hidden
        assert served.get('/served-book.epub')[0] == 200
    finally:
        code, err = served.stop()
    assert code == 0, err
    assert 'Traceback' not in err
    assert not [p for p in (new_book / 'build').rglob('*') if p.name.startswith(TEMP_PREFIX)]


def test_a_save_during_a_build_starts_it_again(new_book: Path) -> None:
    """Saves in quick succession: the build under way is called off, and the newest text is built."""
    served = Served(new_book, '--format', 'html,epub')
    try:
        served.wait_for(lambda s: 'html' in s['outputs'] and not s['building'], 'the first build')
        events = served.events()
        chapter = new_book / CHAPTER
        text = chapter.read_text(encoding='utf-8')
        for number in range(1, 6):
            chapter.write_text(text + f'\nSave number {number}.\n', encoding='utf-8')
            time.sleep(0.15)
        deadline = time.monotonic() + 120
        while 'Save number 5.' not in served.get('/html/')[1]:
            assert time.monotonic() < deadline, 'the last save was never built'
            next_event(events, 'reload')
    finally:
        code, err = served.stop()
    assert code == 0, err
