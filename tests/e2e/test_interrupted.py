"""A build killed at any moment loses nothing: previous outputs intact, no stray temporaries.

make-book runs as a real subprocess and gets SIGKILL (no cleanup code runs) while
it reads, renders, lays out the PDF and writes. Every output must then be
byte-for-byte the previous build or the new one, never a mix or a fragment, and
the next run must sweep what the killed one left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from makebook.cache import FOLDER as CACHE
from makebook.safety.output import TEMP_PREFIX
from tests import tools
from tests.tools import BOOKS, REPO, ctrl_c_at_its_default

SLUG = 'a-small-book-of-tests'


def command(book: Path, out: Path, verbosity: str = '-q') -> list[str]:
    return [sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out), verbosity]


def environment() -> dict[str, str]:
    return {**os.environ, 'SOURCE_DATE_EPOCH': '1764288000', 'PYTHONPATH': str(REPO / 'src')}


def snapshot(out: Path) -> dict[str, bytes]:
    return tools.outputs(out)  # the cache is not an output (checked on its own below)


def outputs(state: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in state.items() if not Path(k).name.startswith(TEMP_PREFIX)
            and not any(part.startswith(TEMP_PREFIX) for part in Path(k).parts)}


@pytest.fixture(scope='module')
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The small book, its outputs before (v1) and after (v2) an edit."""
    base = tmp_path_factory.mktemp('killed')
    book = base / 'book'
    import shutil
    shutil.copytree(BOOKS / 'small', book)
    env = environment()
    subprocess.run(command(book, base / 'v1'), env=env, check=True, timeout=300)
    with (book / '01-opening.md').open('a', encoding='utf-8') as stream:
        stream.write('\nA paragraph added after the first build, so every output changes.\n')
    subprocess.run(command(book, base / 'v2'), env=env, check=True, timeout=300)
    v1, v2 = snapshot(base / 'v1'), snapshot(base / 'v2')
    assert v1.keys() == v2.keys()
    assert v1[f'{SLUG}.epub'] != v2[f'{SLUG}.epub']
    return {'book': book, 'v1': v1, 'v2': v2, 'base': base}


def first_temporary(out: Path) -> bool:
    return any(p.name.startswith(TEMP_PREFIX) for p in out.iterdir())


# When to kill: as make-book announces a stage (reading, rendering, the PDF
# layout in its child process), or the moment the first temporary file appears
# in the output folder (mid-write).
POINTS = {'reading': 'make-book: reading the manuscript', 'rendering': 'make-book: rendering',
          'laying out the PDF': 'make-book: making the PDF', 'writing': None}


@pytest.mark.parametrize('point', POINTS)
def test_sigkill_leaves_the_previous_outputs_intact(versions, tmp_path: Path, point: str) -> None:
    out = tmp_path / 'out'
    import shutil
    shutil.copytree(versions['base'] / 'v1', out)
    (out / 'notes.txt').write_text('mine, not make-book’s')
    process = subprocess.Popen(command(versions['book'], out, '-v'), env=environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if POINTS[point] is None:
        deadline = time.monotonic() + 120
        while process.poll() is None and not first_temporary(out) and time.monotonic() < deadline:
            time.sleep(0.0005)
    else:
        seen = ''
        for line in process.stderr:
            seen += line
            if POINTS[point] in line:
                break
        assert POINTS[point] in seen, seen
    assert process.poll() is None, 'the build ended before it could be killed'
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    process.stderr.close()

    after = outputs(snapshot(out))
    assert after.pop('notes.txt') == 'mine, not make-book’s'.encode()
    assert after.keys() == versions['v1'].keys()
    for name, data in after.items():
        assert data in (versions['v1'][name], versions['v2'][name]), name
    html = {n: d for n, d in after.items() if n.startswith('html/')}
    assert html in ({n: versions[v][n] for n in html} for v in ('v1', 'v2'))  # never half a folder

    subprocess.run(command(versions['book'], out), env=environment(), check=True, timeout=300)
    final = snapshot(out)
    assert not [n for n in final if TEMP_PREFIX in n]
    assert {k: v for k, v in final.items() if k != 'notes.txt'} == versions['v2']
    assert (out / 'notes.txt').is_file()
    # The cache the killed build was writing: whole entries only, its temporaries swept.
    entries = [p for p in (out / CACHE).rglob('*') if p.is_file()]
    assert entries and all(p.suffix == '.json' and not p.name.startswith('.tmp-') for p in entries)
    for entry in entries:
        json.loads(entry.read_text(encoding='utf-8'))


def test_ctrl_c_says_the_previous_outputs_are_untouched(versions, tmp_path: Path) -> None:
    out = tmp_path / 'out'
    process = subprocess.Popen(command(versions['book'], out, '-v'), env=environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_at_its_default)
    # Not a fixed sleep: on a loaded machine the interpreter may still be importing
    # (where Ctrl-C is Python's own traceback); the first step logged means main() runs.
    first = process.stderr.readline()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    err = first + err
    if process.returncode == 0:
        pytest.skip('the build finished before the signal')
    assert process.returncode == 130, err
    assert 'interrupted' in err
    assert 'Traceback' not in err


def test_files_of_yours_in_the_output_folders_are_never_deleted(versions, tmp_path: Path) -> None:
    out = tmp_path / 'out'
    subprocess.run(command(versions['book'], out), env=environment(), check=True, timeout=300)
    (out / 'html' / 'my-notes.txt').write_text('mine')
    (out / 'html' / 'extra').mkdir()
    (out / 'html' / 'extra' / 'analytics.js').write_text('mine too')
    (out / 'README.txt').write_text('mine')
    subprocess.run(command(versions['book'], out), env=environment(), check=True, timeout=300)
    assert (out / 'html' / 'my-notes.txt').read_text() == 'mine'
    assert (out / 'html' / 'extra' / 'analytics.js').read_text() == 'mine too'
    assert (out / 'README.txt').read_text() == 'mine'
    assert (out / 'html' / 'index.html').is_file()


def _alive(pid: int) -> bool:
    try:
        return (Path('/proc') / str(pid) / 'stat').read_text().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads /proc')
def test_a_killed_build_takes_its_render_workers_with_it(tmp_path: Path) -> None:
    """A large book is converted in one process per core: SIGKILL the build and none is left
    waiting for work for ever."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip('one core: the book is converted in the build process itself')
    import shutil
    book = tmp_path / 'book'
    shutil.copytree(BOOKS / 'small', book)
    paragraph = 'A sentence long enough to count, with *emphasis* and `code` in it, said again. ' * 10
    for number in range(4, 8):  # about 500,000 characters in all: converted in parallel
        (book / f'{number:02d}-long.md').write_text(f'# Long chapter {number}\n\n'
                                                     + '\n\n'.join([paragraph] * 150), encoding='utf-8')
    process = subprocess.Popen([*command(book, tmp_path / 'out'), '-f', 'epub'], env=environment(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers, left = _kill_once_two_children_run(
        process, 'the book was converted before the workers were seen')
    assert len(workers) >= 2 and not left


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads /proc')
def test_a_killed_build_of_several_books_takes_its_book_processes_with_it(tmp_path: Path) -> None:
    """`make-book build a/ b/`: one process a book; SIGKILL the command and none is left building
    (nor waiting for another book for ever)."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip('one core: the books are built one process at a time')
    import shutil
    books = []
    for name in ('first', 'second'):
        shutil.copytree(BOOKS / 'small', tmp_path / name)
        books.append(str(tmp_path / name))
    several = [sys.executable, '-m', 'makebook', 'build', *books, '-o', str(tmp_path / 'out'), '-q']
    process = subprocess.Popen(several, env=environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    workers, left = _kill_once_two_children_run(
        process, 'the books were built before their processes were seen')
    assert len(workers) >= 2 and not left


def _kill_once_two_children_run(process: subprocess.Popen, too_late: str) -> tuple[set[int], list[int]]:
    """SIGKILL ``process`` once two children of its are seen (skip with ``too_late`` if it ends
    first); its children, and those still alive 30 s later (killed here, so none outlives the test)."""
    deadline = time.monotonic() + 300
    workers: set[int] = set()
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = tools.child_processes(process.pid)
        time.sleep(0.01)
    if process.poll() is not None:
        pytest.skip(too_late)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return workers, left
