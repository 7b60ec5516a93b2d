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

    def broken_replace(*args: object) -> None:
        raise OSError(28, 'No space left on device')
    monkeypatch.setattr(os, 'replace', broken_replace)
    with pytest.raises(OutputError, match='No space left'):
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
