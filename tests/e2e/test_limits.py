"""A PDF render that runs away is stopped by a time or memory bound, with the stage named."""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from pathlib import Path

import pytest

from makebook.build import BuildResult
from makebook.safety import limits
from tests.tools import make_book, outputs

HEAD = '---\ntitle: Bounds\nauthor: A\nlang: en\n---\n# A\n\nText.\n'


def enormous_png(path: Path, side: int = 12000) -> None:
    """A grey PNG of side x side pixels (432 MB decoded) that is under a megabyte on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    compressor = zlib.compressobj(9)
    row = b'\x00' + b'\x80' * (side * 3)
    body = b''.join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack('>IIBBBBB', side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', body)
                     + chunk(b'IEND', b''))


def test_a_time_bound_stops_the_pdf_and_keeps_the_old_one(capsys, write_book, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'bounds.pdf').write_bytes(b'the previous PDF')
    monkeypatch.setenv('MAKEBOOK_PDF_SECONDS', '0.2')
    # Long enough that no machine lays it out in 0.2 s (a short book's PDF can take less).
    long = HEAD + ''.join(f'\n\nParagraph {n} ' + 'of words set in lines, ' * 60 for n in range(150))
    run = make_book(capsys, write_book({'01.md': long}), '-o', out, '--format', 'pdf')
    assert run.status == 4
    assert 'PDF: stopped after 0.2 seconds' in run.err
    assert 'MAKEBOOK_PDF_SECONDS' in run.err
    assert (out / 'bounds.pdf').read_bytes() == b'the previous PDF'


# Pillow warns about (but decodes) images over 89 Mpixels; pytest would make that an error.
@pytest.mark.filterwarnings('ignore::PIL.Image.DecompressionBombWarning')
def test_an_enormous_image_hits_the_memory_bound(capsys, write_book, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_book({'01.md': HEAD + '\n![A huge grey field](huge.png)\n'})
    enormous_png(book / 'huge.png')
    monkeypatch.setenv('MAKEBOOK_IMAGE_MEGAPIXELS', '1000')  # past the render stage's own check
    monkeypatch.setenv('MAKEBOOK_PDF_MEMORY_MB', '350')
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 4, run.err
    assert run.err.count('PDF: ') == 1
    assert 'memory' in run.err
    assert 'Traceback' not in run.err
    assert not (tmp_path / 'out' / 'bounds.pdf').exists()


@pytest.mark.parametrize('value', ['soon', '0', '-5', 'inf'])
def test_a_bad_bound_is_a_clear_error(capsys, write_book, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv('MAKEBOOK_PDF_SECONDS', value)
    run = make_book(capsys, write_book({'01.md': HEAD}), '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 1
    assert 'MAKEBOOK_PDF_SECONDS' in run.err


def test_an_enormous_image_is_a_clear_error_naming_it_before_the_pdf(capsys, write_book,
                                                                     tmp_path: Path) -> None:
    """Measured from its header at the render stage: no PDF stage, no raw Pillow warning."""
    book = write_book({'01.md': HEAD + '\n![A huge grey field](huge.png)\n',
                       'metadata.yaml': 'cover-image: huge.png\n'})
    enormous_png(book / 'huge.png')
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'pdf')
    assert run.status == 1, run.err
    size = '12000 x 12000 pixels (144 megapixels) is more than the 50 megapixels'
    assert f"{book / '01.md'}:10: MB305 error: image 'huge.png': {size}" in run.err
    assert f"{book / 'metadata.yaml'}:1: MB109 error: metadata 'cover-image': 'huge.png': {size}" in run.err
    assert 'MAKEBOOK_IMAGE_MEGAPIXELS' in run.err
    assert 'Warning' not in run.err and 'PDF:' not in run.err
    assert not (tmp_path / 'out').exists()


def _warns() -> int:
    warnings.warn('Image size (144000000 pixels) exceeds limit', UserWarning, stacklevel=1)
    return 7


def test_a_library_warning_in_the_bounded_stage_is_passed_to_the_parent() -> None:
    with pytest.warns(limits.LibraryWarning, match='^X: UserWarning: Image size'):
        assert limits.run_bounded(_warns, stage='X', bounds=limits.Bounds(60, 2048)) == 7


def test_the_cli_reports_a_library_warning_as_its_own(capsys, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    def build(options, freshness=None, progress=None):
        warnings.warn('PDF: DecompressionBombWarning: Image size exceeds limit', limits.LibraryWarning,
                      stacklevel=1)
        return BuildResult(outputs=(), warnings=())
    monkeypatch.setattr('makebook.build.build', build)  # the CLI imports it when it builds
    with warnings.catch_warnings():
        warnings.simplefilter('default')  # as outside pytest, which makes warnings errors
        run = make_book(capsys, tmp_path, '-o', tmp_path / 'out')
    assert run.status == 0
    assert run.err == 'make-book: warning: PDF: DecompressionBombWarning: Image size exceeds limit\n'


def _slow_conversion(monkeypatch: pytest.MonkeyPatch, slow_file: str) -> None:
    """Converting ``slow_file`` takes a minute (a runaway stage, without the CPU it would burn)."""
    import time

    from makebook.render import convert

    real = convert.convert_file

    def convert_file(source):  # type: ignore[no-untyped-def]
        if source.path.name == slow_file:
            for _ in range(1200):
                time.sleep(0.05)
        return real(source)
    monkeypatch.setattr(convert, 'convert_file', convert_file)


def test_the_whole_build_stops_at_its_time_bound_naming_the_stage_and_the_file(
        capsys, write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MAKEBOOK_BUILD_SECONDS bounds every stage, not only the PDF's: the build stops with MB026
    naming the stage and the file, exit 1, no traceback, and the last good outputs stay whole."""
    book = write_book({'01.md': HEAD, '02.md': '# B\n\nMore.\n'})
    out = tmp_path / 'out'
    assert make_book(capsys, book, '-o', out, '-f', 'epub,html').status == 0
    before = outputs(out)
    (book / '02.md').write_text('# B\n\nChanged, and slow to convert.\n', encoding='utf-8')
    _slow_conversion(monkeypatch, '02.md')
    monkeypatch.setenv('MAKEBOOK_BUILD_SECONDS', '2')
    run = make_book(capsys, book, '-o', out, '-f', 'epub,html')
    assert run.status == 1, run.err
    assert 'Traceback' not in run.err
    assert f'{book / "02.md"}: MB026 error: being worked on when the build was stopped after 2 s' in run.err
    assert ('MB026 error: the build was stopped after 2 s (MAKEBOOK_BUILD_SECONDS=2), while rendering '
            f'({book / "02.md"})') in run.err
    assert outputs(out) == before
    assert limits.remaining() is None  # the bound is gone with the build: the next one is free
    monkeypatch.undo()
    assert make_book(capsys, book, '-o', out, '-f', 'epub,html').status == 0
    assert outputs(out) != before


# A build whose conversion of a chapter goes into C code and does not come back for a minute, with
# SIGALRM held off (so OutOfTime cannot be raised): through ctypes.CDLL, which lets other threads
# run meanwhile, or ctypes.PyDLL, which keeps the GIL, as a C extension's own loop would.
STUCK_IN_C = """
import ctypes, signal, sys
from makebook import cli
from makebook.render import convert
from makebook.safety import limits
limits.HARD_STOP_GRACE = 2.0
real = convert.convert_file
def convert_file(source):
    if source.name.endswith('.md'):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        library = ctypes.CDLL(None) if sys.argv[1] == 'releases' else ctypes.PyDLL(None)
        library.sleep(60)
    return real(source)
convert.convert_file = convert_file
sys.exit(cli.main(['build', 'book', '-o', 'out', '-f', 'epub,html']))
"""


def _no_messenger_left(build: int) -> None:
    """No hard-stop messenger of the process ``build`` is running a few seconds after it ended (it
    looks for its build ten times a second)."""
    import time

    def messengers() -> list[str]:
        found = []
        for cmdline in Path('/proc').glob('[0-9]*/cmdline'):
            try:
                argv = cmdline.read_bytes().split(b'\0')
            except OSError:
                continue  # ended meanwhile
            if b'-I' in argv and argv[-2:] in ([str(build).encode(), b''], [str(build).encode()]):
                found.append(cmdline.parent.name)
        return found

    for _ in range(50):
        if not messengers():
            return
        time.sleep(0.1)
    assert not messengers()


@pytest.mark.parametrize('gil', ['releases', 'holds'])
def test_a_build_stuck_in_c_code_past_its_deadline_ends_with_its_process(tmp_path: Path, gil: str) -> None:
    """The hard stop: a stage that never returns to Python is ended with the process once the
    deadline (6 s) and the grace (2 s here, 30 s by default) have passed, exit 1, the MB026 line
    naming the stage and file, no traceback, the previous outputs whole. C code that lets threads
    run is stopped by the watchdog thread; C code that holds the GIL stops that thread too, and
    faulthandler's timer (a C thread) ends the process one grace later, the line printed first by
    the messenger process (no Python can run in the build)."""
    import os
    import subprocess
    import sys
    import time

    book = tmp_path / 'book'
    book.mkdir()
    (book / '01.md').write_text(HEAD, encoding='utf-8')
    (book / '02.md').write_text('# B\n\nMore.\n', encoding='utf-8')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'bounds.epub').write_bytes(b'the previous EPUB')
    # 6 s: a loaded machine still reads the book within them, so the build is stuck rendering.
    env = {**os.environ, 'MAKEBOOK_BUILD_SECONDS': '6'}
    started = time.monotonic()
    # stderr into a file read as soon as the build's exit is seen (no pipe whose end is waited
    # for): the line must be written before the build ends, not by a process that outlives it.
    with (tmp_path / 'stderr.txt').open('w', encoding='utf-8') as stderr:
        build = subprocess.Popen([sys.executable, '-c', STUCK_IN_C, gil], cwd=tmp_path, env=env,
                                 stdout=subprocess.DEVNULL, stderr=stderr)
        status = build.wait(timeout=55)
        printed = (tmp_path / 'stderr.txt').read_text(encoding='utf-8')
    assert time.monotonic() - started < 50  # not the minute the C call takes: it was cut short
    assert status == 1, printed
    assert 'Traceback' not in printed and 'Thread 0x' not in printed and 'Timeout' not in printed
    # The build's own stop names the files it was working on first ('book/01.md: MB026 error: being
    # worked on...'); the hard stop cannot (the main thread is stuck), so this one is the hard stop.
    assert 'being worked on' not in printed, printed
    assert re.search(r'^make-book: MB026 error: the build was stopped after 6 s '
                     r'\(MAKEBOOK_BUILD_SECONDS=6\), while rendering \(book/0[12]\.md.*\); '
                     r'the previous outputs are untouched$', printed, re.M), printed
    assert printed.count('MB026') == 1, printed
    _no_messenger_left(build.pid)
    assert (out / 'bounds.epub').read_bytes() == b'the previous EPUB'
    assert [p.name for p in out.iterdir() if p.name != '.make-book-cache'] == ['bounds.epub']
    # The dead build's lock and temporaries stand in no one's way: the next build is made.
    again = subprocess.run([sys.executable, '-m', 'makebook', 'build', 'book', '-o', 'out', '-f', 'html'],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr
    assert (out / 'html' / 'index.html').exists()


@pytest.mark.parametrize('gil', ['releases', 'holds'])
def test_the_hard_stop_on_a_terminal_clears_the_progress_line_and_shows_the_cursor(tmp_path: Path,
                                                                                   gil: str) -> None:
    """On a terminal the build draws a live progress line with the cursor hidden (rich), frozen by
    the stuck stage. The stop's line erases it (it was glued to its end) and shows the cursor
    again; the watchdog thread's line no longer goes through rich's proxy of sys.stderr, which
    wrapped it at 80 columns and drew the progress line again under it."""
    import os
    import pty
    import select
    import subprocess
    import sys

    book = tmp_path / 'book'
    book.mkdir()
    (book / '01.md').write_text(HEAD, encoding='utf-8')
    (tmp_path / 'out').mkdir()
    terminal, stderr = pty.openpty()
    build = subprocess.Popen([sys.executable, '-c', STUCK_IN_C, gil], cwd=tmp_path,
                             env={**os.environ, 'MAKEBOOK_BUILD_SECONDS': '6'},
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
    os.close(stderr)
    shown = b''
    try:
        while select.select([terminal], [], [], 55)[0]:
            try:
                chunk = os.read(terminal, 1 << 16)
            except OSError:  # EIO: every writer of the terminal is gone
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(terminal)
        status = build.wait(timeout=5)
    assert status == 1, shown
    assert b'\x1b[?25l' in shown  # rich hid the cursor: the progress line was drawn
    assert re.search(rb'\r\x1b\[2Kmake-book: MB026 error: the build was stopped after 6 s '
                     rb'\(MAKEBOOK_BUILD_SECONDS=6\), while rendering \(book/01\.md\); '
                     rb'the previous outputs are untouched\r?\n\x1b\[\?25h$',
                     shown), shown[-400:]


def test_the_whole_build_stops_at_its_memory_bound_naming_the_stage_and_the_file(tmp_path: Path) -> None:
    """MAKEBOOK_BUILD_MEMORY_MB caps the build's address space (in a process of its own here: the
    cap is the process's): a book that needs more stops with MB027 naming the stage and file,
    exit 1, no traceback, the last good outputs whole."""
    import os
    import subprocess
    import sys

    book = tmp_path / 'book'
    book.mkdir()
    (book / '01.md').write_text(HEAD, encoding='utf-8')
    (book / '02.md').write_text('# Long\n\n' + 'Words, *words* and [more](#a) words.\n\n' * 40_000,
                                encoding='utf-8')
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'bounds.epub').write_bytes(b'the previous EPUB')
    env = {**os.environ, 'MAKEBOOK_BUILD_MEMORY_MB': '1'}
    run = subprocess.run([sys.executable, '-m', 'makebook', 'build', 'book', '-o', 'out', '-f', 'epub'],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 1, run.stderr
    assert 'Traceback' not in run.stderr
    # The stage, and the files in its hands when the bound was seen (the memory grows in worker
    # processes, so it may be seen after they are done: then no file is named).
    assert re.search(r'MB027 error: the build ran out of memory \(MAKEBOOK_BUILD_MEMORY_MB=1\), while '
                     r'rendering( \((book/01\.md, )?book/02\.md\))?; the previous outputs are untouched',
                     run.stderr), run.stderr
    assert (out / 'bounds.epub').read_bytes() == b'the previous EPUB'


def test_a_file_size_limit_stops_the_writing_with_every_old_output_kept_and_no_traceback(
        tmp_path: Path) -> None:
    """ulimit -f below the EPUB's size: the EPUB is made in memory (ebooklib wrote it to a
    temporary file, whose ZipFile then printed a traceback when collected); writing the outputs
    fails with MB012, exit 4, and both old editions stay."""
    import os
    import resource
    import subprocess
    import sys

    book = tmp_path / 'book'
    book.mkdir()
    (book / '01.md').write_text(HEAD, encoding='utf-8')
    command = [sys.executable, '-m', 'makebook', 'build', 'book', '-o', 'out', '-f', 'epub,html']
    subprocess.run(command, cwd=tmp_path, capture_output=True, check=True, timeout=300)
    before = outputs(tmp_path / 'out')
    (book / '01.md').write_text(HEAD + '\nMore text.\n', encoding='utf-8')

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (200 * 1024, resource.RLIM_INFINITY))

    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
                         preexec_fn=small_files, env={**os.environ})
    assert run.returncode == 4, run.stderr
    assert 'Traceback' not in run.stderr
    assert 'MB012 error' in run.stderr
    assert outputs(tmp_path / 'out') == before
