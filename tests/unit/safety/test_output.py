"""Writing outputs: atomic files, folders swapped whole, user files and other folders left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from makebook.errors import OutputError
from makebook.safety import output


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob('*') if p.name.startswith(output.TEMP_PREFIX)]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / 'book.epub'
    target.write_bytes(b'old')

    def full_disk(*args: object) -> None:
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'fsync', full_disk)
    with pytest.raises(OutputError, match='no space left'):
        output.write_file(target, b'new')
    assert target.read_bytes() == b'old'
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / 'book.pdf'
    target.write_bytes(b'old')

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(os, 'fsync', interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_file(target, b'new')
    assert target.read_bytes() == b'old'
    assert leftovers(tmp_path) == []


def test_folders_drop_stale_files_of_ours_and_keep_the_users(tmp_path: Path) -> None:
    folder = tmp_path / 'html'
    output.write_folder(folder, {'index.html': b'1', 'images/old.png': b'x'})
    (folder / 'mine.txt').write_text('user')
    output.write_folder(folder, {'index.html': b'2'})
    assert (folder / 'index.html').read_bytes() == b'2'
    assert not (folder / 'images' / 'old.png').exists()  # ours, no longer in the book
    assert (folder / 'mine.txt').read_text() == 'user'
    assert leftovers(tmp_path) == []


def test_a_folder_written_again_rewrites_only_the_files_that_changed(tmp_path: Path) -> None:
    """The web edition after one save: its unchanged files are the very files already on disk
    (hard links: nothing written or flushed again), the changed ones new; a file whose bytes
    were altered in place since is written afresh, and none of it shows in the old files."""
    folder = tmp_path / 'html'
    output.write_folder(folder, {'index.html': b'1', 'ch-1.html': b'one', 'fonts/f.ttf': b'font'})
    before = {name: (folder / name).stat().st_ino for name in ('index.html', 'ch-1.html', 'fonts/f.ttf')}
    (folder / 'fonts' / 'f.ttf').write_bytes(b'FONT')  # changed in place, same size
    output.write_folder(folder, {'index.html': b'1', 'ch-1.html': b'one, edited', 'fonts/f.ttf': b'font'})
    assert (folder / 'index.html').stat().st_ino == before['index.html']
    assert (folder / 'ch-1.html').stat().st_ino != before['ch-1.html']
    assert (folder / 'fonts' / 'f.ttf').stat().st_ino != before['fonts/f.ttf']
    assert [(folder / name).read_bytes() for name in ('index.html', 'ch-1.html', 'fonts/f.ttf')] == [
        b'1', b'one, edited', b'font']
    assert (folder / 'index.html').stat().st_mode & 0o777 == 0o644
    assert leftovers(tmp_path) == []


def test_a_link_in_the_old_folder_is_never_reused(tmp_path: Path) -> None:
    """A file of ours replaced by a link to one outside (with the same bytes) is not taken into
    the new folder: the page is written afresh, a file of its own."""
    outside = tmp_path / 'outside.html'
    outside.write_bytes(b'same')
    folder = tmp_path / 'html'
    output.write_folder(folder, {'index.html': b'1', 'page.html': b'same'})
    (folder / 'page.html').unlink()
    (folder / 'page.html').symlink_to(outside)
    output.write_folder(folder, {'index.html': b'1', 'page.html': b'same'})
    page = folder / 'page.html'
    assert not page.is_symlink() and page.stat().st_ino != outside.stat().st_ino
    assert page.read_bytes() == b'same' and outside.read_bytes() == b'same'


@pytest.mark.parametrize('name', ['../escape.txt', 'a/../../escape.txt', '/tmp/escape.txt'])
def test_a_folder_never_writes_outside_itself(tmp_path: Path, name: str) -> None:
    (tmp_path / 'out').mkdir()
    with pytest.raises(OutputError, match='outside'):
        output.write_folder(tmp_path / 'out' / 'html', {name: b'x'})
    assert not (tmp_path / 'escape.txt').exists()
    assert not (tmp_path / 'out' / 'html').exists()
    assert leftovers(tmp_path) == []


def test_the_next_run_sweeps_only_our_temporaries(tmp_path: Path) -> None:
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    (out / f'{output.TEMP_PREFIX}abc').write_bytes(b'half')
    (out / f'{output.TEMP_PREFIX}dir').mkdir()
    (out / 'notes.txt').write_text('mine')
    output.prepare_out_dir(out, manuscript.resolve())
    assert leftovers(out) == []
    assert (out / 'notes.txt').read_text() == 'mine'


@pytest.mark.parametrize('out', ['.', 'manuscript', 'manuscript/..'])
def test_the_output_folder_cannot_hold_the_manuscript(tmp_path: Path, out: str) -> None:
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    with pytest.raises(OutputError, match='must not be the manuscript folder'):
        output.prepare_out_dir(tmp_path / out, manuscript.resolve())


# ---- issue 10: outputs together or not at all, a lock, temporaries of the living kept

def test_every_output_is_written_or_none(tmp_path: Path, monkeypatch) -> None:
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    output.write_outputs(out, manuscript, {'b.epub': b'old epub', 'b.pdf': b'old pdf',
                                           'html': {'index.html': b'old web'}})
    real_write = output._write_durably

    def full_disk(path: Path, data: bytes) -> None:
        if path.name == 'index.html':
            raise OSError(28, 'No space left on device', str(path))
        real_write(path, data)
    monkeypatch.setattr(output, '_write_durably', full_disk)
    with pytest.raises(OutputError, match=r'html: cannot write \(no space left on the disk\); the previous '
                                          'outputs are untouched'):
        output.write_outputs(out, manuscript, {'b.epub': b'new epub', 'b.pdf': b'new pdf',
                                               'html': {'index.html': b'new web'}})
    assert (out / 'b.epub').read_bytes() == b'old epub'
    assert (out / 'b.pdf').read_bytes() == b'old pdf'
    assert (out / 'html' / 'index.html').read_bytes() == b'old web'
    assert leftovers(out) == []


@pytest.mark.parametrize('exchange', [True, False])
def test_a_swap_that_fails_puts_back_those_already_made(tmp_path: Path, monkeypatch, exchange: bool) -> None:
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    output.write_outputs(out, manuscript, {'b.epub': b'old epub', 'html': {'index.html': b'old web'}})
    if not exchange:
        monkeypatch.setattr(output, '_exchange', lambda a, b: False)
    real_swap = output._swap

    def failing(item) -> None:
        if item.target.name == 'html':
            raise OSError(5, 'Input/output error', str(item.target))
        real_swap(item)
    monkeypatch.setattr(output, '_swap', failing)
    with pytest.raises(OutputError, match='Input/output error'):
        output.write_outputs(out, manuscript, {'b.epub': b'new epub', 'html': {'index.html': b'new web'}})
    assert (out / 'b.epub').read_bytes() == b'old epub'
    assert (out / 'html' / 'index.html').read_bytes() == b'old web'
    assert leftovers(out) == []


@pytest.mark.parametrize(('name', 'make'), [
    ('html', lambda path: path.write_text("my notes, not make-book's")),
    ('b.epub', lambda path: path.mkdir()),
])
def test_what_is_not_ours_in_an_outputs_place_is_left_alone(tmp_path: Path, name: str, make) -> None:
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    make(out / name)
    with pytest.raises(OutputError, match='in the way') as raised:
        output.write_outputs(out, manuscript,
                             {'b.pdf': b'pdf', 'b.epub': b'epub', 'html': {'index.html': b'w'}})
    assert raised.value.code == 'MB015'
    assert not (out / 'b.pdf').exists()  # nothing written when one output cannot be
    if name == 'b.epub':
        assert (out / name).is_dir()
    else:
        assert (out / name).read_text() == "my notes, not make-book's"
    assert leftovers(out) == []


def test_a_fifo_of_the_users_in_the_web_folder_is_carried_over_unopened(tmp_path: Path) -> None:
    folder = tmp_path / 'html'
    output.write_folder(folder, {'index.html': b'1'})
    os.mkfifo(folder / 'notes.fifo')
    output.write_folder(folder, {'index.html': b'2'})
    assert (folder / 'index.html').read_bytes() == b'2'
    assert (folder / 'notes.fifo').is_fifo()


def test_a_second_build_waits_for_the_lock_then_refuses(tmp_path: Path, monkeypatch) -> None:
    import fcntl
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    holder = os.open(out, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another build, writing
    try:
        monkeypatch.setattr(output, 'LOCK_SECONDS', 0.2)
        with pytest.raises(OutputError, match='another make-book') as raised:
            output.write_outputs(out, manuscript, {'b.epub': b'new'})
        assert raised.value.code == 'MB014'
        assert not (out / 'b.epub').exists()
    finally:
        os.close(holder)
    output.write_outputs(out, manuscript, {'b.epub': b'new'})  # the lock released: it writes
    assert (out / 'b.epub').read_bytes() == b'new'


def test_a_sweep_leaves_the_temporaries_of_a_live_build(tmp_path: Path) -> None:
    import subprocess
    import sys
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    live = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])
    dead = subprocess.run([sys.executable, '-c', 'pass'], check=True)
    try:
        (out / f'{output.TEMP_PREFIX}{live.pid}-staging').mkdir()
        (out / f'{output.TEMP_PREFIX}{dead.args and 2 ** 22 + 17}-old').mkdir()  # no such process
        (out / f'{output.TEMP_PREFIX}noid').write_bytes(b'an older make-book')
        output.prepare_out_dir(out, manuscript)
        assert leftovers(out) == [f'{output.TEMP_PREFIX}{live.pid}-staging']
    finally:
        live.kill()
        live.wait()


def test_a_folder_that_cannot_be_written_is_an_output_error(tmp_path: Path, monkeypatch) -> None:
    import tempfile
    manuscript = tmp_path / 'manuscript'
    manuscript.mkdir()

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, 'Permission denied', str(tmp_path / 'out'))
    monkeypatch.setattr(tempfile, 'mkstemp', refused)
    with pytest.raises(OutputError, match='cannot write \\(permission denied\\)') as raised:
        output.write_outputs(tmp_path / 'out', manuscript, {'b.epub': b'x'})
    assert raised.value.exit_code == 4


def test_every_file_of_a_folder_is_flushed_before_the_folder_is_swapped_in(tmp_path: Path,
                                                                         monkeypatch) -> None:
    """The web edition's files are written and flushed several at a time: all of them, each with
    its bytes, before the folder takes the old one's place."""
    files = {f'chapter-{number}.html': f'page {number}'.encode() * number for number in range(40)}
    files['fonts/face.ttf'] = b'font'
    flushed: list[str] = []
    real_write, real_swap = output._write_durably, output._swap_all

    def write(path: Path, data: bytes) -> None:
        real_write(path, data)
        flushed.append(path.name)

    def swap(staged: list[output._Staged]) -> None:
        assert sorted(flushed) == sorted([*(Path(name).name for name in files), output.MANIFEST])
        real_swap(staged)
    monkeypatch.setattr(output, '_write_durably', write)
    monkeypatch.setattr(output, '_swap_all', swap)
    output.write_folder(tmp_path / 'html', files)
    assert {p.relative_to(tmp_path / 'html').as_posix(): p.read_bytes()
            for p in (tmp_path / 'html').rglob('*') if p.is_file() and p.name != output.MANIFEST} == files
