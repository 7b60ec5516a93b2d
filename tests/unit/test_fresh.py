"""Nothing changed, nothing to do (fresh.py): the outputs are left untouched and the report is the
same; any change to an input, an output, the command or make-book itself builds again."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from makebook import build as build_module
from makebook import cache, fresh
from makebook.model import BuildOptions
from tests.tools import REPO, make_book

META = '---\ntitle: T\nauthor: A\n---\n'  # no 'lang': a warning the replay must repeat
FORMATS = ('epub', 'html')


@pytest.fixture
def book(write_book) -> Path:
    return write_book({'01.md': META + '# One\n\nText.\n', '02.md': '# Two\n\nMore.\n'})


def stamps(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob('*')
            if p.is_file() and cache.FOLDER not in p.parts}


def build(book: Path, out: Path, **options) -> build_module.BuildResult:
    return build_module.build(BuildOptions(book, out, **{'formats': FORMATS, **options}))


def rebuilt(book: Path, out: Path, **options) -> bool:
    """Build again; True if any output was written."""
    before = stamps(out)
    build(book, out, **options)
    return stamps(out) != before


@pytest.fixture
def built(book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(fresh, '_RACY_SECONDS', 0.0)  # the test's files are all new
    out = tmp_path / 'out'
    build(book, out)
    return out


def test_an_unchanged_book_is_not_built_again_and_reports_the_same(book: Path, built: Path) -> None:
    first = build(book, built / '..' / 'other')
    assert not rebuilt(book, built)
    again = build(book, built / '..' / 'other')
    assert again == first and [w.code for w in again.warnings] == ['MB105']


def test_the_command_line_says_the_same_without_loading_the_pipeline(book: Path, tmp_path: Path) -> None:
    out = tmp_path / 'out'
    script = ('import sys; from makebook.cli import main; status = main(sys.argv[1:]); '
              'print("loaded:", sorted(m for m in ("lxml", "markdown", "ebooklib", "weasyprint") '
              'if m in sys.modules), file=sys.stderr); sys.exit(status)')
    command = [sys.executable, '-c', script, 'build', str(book), '-o', str(out), '-f', 'epub,html']
    env = {**os.environ, 'PYTHONPATH': str(REPO / 'src'), 'SOURCE_DATE_EPOCH': '1764288000'}
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "loaded: ['ebooklib', 'lxml', 'markdown']" in first.stderr
    assert 'loaded: []' in second.stderr
    assert second.stdout == first.stdout and first.stdout.count('\n') == 2
    # The same problems, said the same way; the progress lines and the per-edition summary of a
    # build give way to one line saying nothing was built.
    assert problems(second.stderr) == problems(first.stderr) == ['MB105']
    assert 'nothing changed since the last build' in second.stderr
    assert 'making the EPUB' in first.stderr and 'making' not in second.stderr


def problems(stderr: str) -> list[str]:
    """The codes of the problems a run reported, in order."""
    return re.findall(r': (MB\d{3}) (?:warning|error):', stderr)


@pytest.mark.parametrize('change', [
    lambda book: (book / '02.md').write_text('# Two\n\nEdited.\n'),
    lambda book: (book / '03.md').write_text('# Three\n\nNew.\n'),
    lambda book: (book / '02.md').unlink(),
    lambda book: (book / 'images').mkdir() or (book / 'images' / 'x.png').write_bytes(b'new'),
])
def test_a_changed_input_builds_again(book: Path, built: Path, change) -> None:
    change(book)
    assert rebuilt(book, built)
    assert not rebuilt(book, built)  # and the new record holds


@pytest.mark.parametrize('dated', [True, False])
def test_a_files_time_counts_only_when_it_dates_the_book(book: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch, dated: bool) -> None:
    if dated:  # the tests pin it; without it the newest file's time dates the book
        monkeypatch.delenv('SOURCE_DATE_EPOCH')
    monkeypatch.setattr(fresh, '_RACY_SECONDS', 0.0)
    out = tmp_path / 'out'
    build(book, out)
    os.utime(book / '02.md', ns=(0, 1_900_000_000 * 10**9))  # newer: in 2030
    assert rebuilt(book, out) is dated


@pytest.mark.parametrize('change', [
    lambda out: (out / 't.epub').unlink(),
    lambda out: (out / 't.epub').write_bytes(b'mine now'),
    lambda out: (out / 'html' / 'index.html').write_text('edited by hand'),
])
def test_a_missing_or_touched_output_is_made_again(book: Path, built: Path, change) -> None:
    change(built)
    assert rebuilt(book, built)
    assert (built / 't.epub').read_bytes().startswith(b'PK')


def test_another_command_or_another_make_book_builds_again(book: Path, built: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert rebuilt(book, built, formats=('epub',))  # its own record, then
    assert not rebuilt(book, built, formats=('epub',))
    assert rebuilt(book, built)  # the EPUB was written since this command's record
    assert not rebuilt(book, built)
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '1700000000')
    assert rebuilt(book, built)
    monkeypatch.setattr(cache, 'code_fingerprint', lambda: 'another version of make-book')
    assert rebuilt(book, built)


def test_a_damaged_record_builds_again(book: Path, built: Path) -> None:
    for record in (built / cache.FOLDER / fresh.NAMESPACE).rglob('*.json'):
        entry = json.loads(record.read_text())
        entry['value']['inputs'] = 'not a state'
        record.write_text(json.dumps(entry))
    assert rebuilt(book, built)


@pytest.mark.filterwarnings('always::UserWarning')  # as outside pytest: the CLI prints them
def test_the_fast_path_repeats_a_librarys_warning(book: Path, built: Path, capsys) -> None:
    key = fresh._key(BuildOptions(book, built, formats=FORMATS))
    store = cache.Cache.in_output_folder(built)
    record = store.load(fresh.NAMESPACE, key)
    record['report']['library_warnings'] = ['Pillow: an image is very large']
    store.store(fresh.NAMESPACE, key, record)
    run = make_book(capsys, 'build', book, '-o', built, '-f', 'epub,html')
    assert run.status == 0 and 'make-book: warning: Pillow: an image is very large' in run.err


def test_a_huge_folder_is_not_fingerprinted(book: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A single .md file in a large folder (a home folder): no fast path rather than hashing it all."""
    monkeypatch.setattr(fresh, '_MAX_BYTES', 10)
    out = tmp_path / 'out'
    build(book, out)
    assert fresh.check(BuildOptions(book, out, formats=FORMATS)).inputs is None
    assert rebuilt(book, out)


def test_a_link_to_a_device_or_a_fifo_in_the_folder_is_never_opened(book: Path, tmp_path: Path) -> None:
    """Hardening issue 10: the nothing-changed check hashed every file of the folder, and a link
    to /dev/zero (or a FIFO) left beside the chapters held the build for ever."""
    (book / 'zero.md').symlink_to('/dev/zero')
    os.mkfifo(book / 'pipe')
    state = fresh._inputs_state(BuildOptions(manuscript=book, out_dir=tmp_path / 'out'), {}, 0.0)
    assert state is not None
    assert state['zero.md'][2] == 'not a file'
    assert state.get('pipe', [None, None, 'not a file'])[2] == 'not a file'
