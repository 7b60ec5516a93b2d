"""make-book build as the author sees it: a line per stage while it works (plain in logs, rich's live
line on a terminal), a line per edition at the end, problems coloured on a terminal, -q and -v, --open."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest

from makebook.commands import build as build_command
from makebook.commands import progress
from makebook.commands.common import Printer
from tests.tools import make_book

META = '---\ntitle: The Harbour\nauthor: A\nlang: en\n---\n'


@pytest.fixture
def book(write_book) -> Path:
    return write_book({'01.md': META + '# One\n\nText.\n', '02.md': '# Two\n\nMore.\n'})


def test_a_build_says_each_stage_then_a_line_per_edition(capsys, book: Path, tmp_path: Path) -> None:
    run = make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'epub,html')
    assert run.status == 0, run.err
    stages = [line.removeprefix('make-book: ') for line in run.err.splitlines()][:6]
    assert stages == ['reading the manuscript', 'rendering 2 files', 'checking the book', 'making the EPUB',
                      'making the web edition', 'writing the outputs']
    epub, web = tmp_path / 'out' / 'the-harbour.epub', tmp_path / 'out' / 'html' / 'index.html'
    assert run.out.splitlines() == [str(epub), str(web)]  # not a terminal: the paths, for scripts
    size = f'{epub.stat().st_size / 1024:.1f} KB'
    assert re.search(rf'make-book: EPUB +{re.escape(str(epub))} +{re.escape(size)}, \d+\.\d s', run.err)
    assert re.search(rf'make-book: web +{re.escape(str(web))} +\d+ files, [\d.]+ KB, \d+\.\d s', run.err)


def test_quiet_prints_only_errors_and_verbose_adds_timings(capsys, write_book, tmp_path: Path) -> None:
    book = write_book({'01.md': '---\ntitle: T\n---\n# One\n\nText.\n'})  # no lang: MB105
    quiet = make_book(capsys, 'build', book, '-o', tmp_path / 'q', '-f', 'html', '-q')
    assert (quiet.status, quiet.out, quiet.err) == (0, '', '')  # no progress, warning nor summary
    (book / '02.md').write_text('# Two\n\n![A map](nowhere.png)\n', encoding='utf-8')
    failed = make_book(capsys, 'build', book, '-o', tmp_path / 'q', '-f', 'html', '-q')
    assert failed.status == 1
    assert [line.split(': ')[1] for line in failed.err.splitlines()] == ['MB305 error', 'error']
    (book / '02.md').unlink()

    verbose = make_book(capsys, 'build', book, '-o', tmp_path / 'v', '-f', 'html', '-v')
    timings = re.findall(r'^make-book: ([a-z0-9 ]+): \d+\.\d\d s$', verbose.err, re.M)
    assert timings == ['reading the manuscript', 'rendering 1 file', 'checking the book',
                       'making the web edition', 'writing the outputs']
    assert 'Step ' not in verbose.err
    problems = verbose.err.splitlines()[-4:-2]  # then the count and the edition's summary line
    assert [line.split(': ')[1] for line in problems] == ['MB105 warning', 'MB104 warning']
    assert 'make-book: 2 warnings; the book was built\n' in verbose.err


def test_problems_are_coloured_on_a_terminal_only(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from makebook.errors import Diagnostic, Severity

    found = Diagnostic('MB105', 'no lang', Path('01.md'), 1, Severity.WARNING)
    Printer().problems([found])
    assert capsys.readouterr().err == '01.md:1: MB105 warning: no lang\n'
    monkeypatch.setenv('FORCE_COLOR', '1')
    Printer().problems([found])
    assert capsys.readouterr().err == '\033[1m01.md:1: \033[0m\033[1;33mMB105 warning:\033[0m no lang\n'


def test_a_terminal_gets_riches_live_line(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr('sys.stderr', screen)
    display = progress.for_printer(Printer())
    assert isinstance(display, progress.LiveDisplay)
    with display:
        display.stage('rendering', 3)
        display.advance(2)
        display.live.refresh()
        assert re.search(r'rendering 3 files.*2/3', screen.getvalue())
    assert not isinstance(progress.for_printer(Printer(quiet=True)), progress.LiveDisplay)


def test_open_shows_the_web_edition_with_the_desktops_program(capsys, book: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[list[str]] = []
    monkeypatch.setattr(build_command, 'desktop_opener', lambda: ['xdg-open'])
    monkeypatch.setattr(subprocess, 'Popen', lambda command, **_: opened.append(command))
    assert make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'epub,html', '--open').status == 0
    assert opened == [['xdg-open', str((tmp_path / 'out' / 'html' / 'index.html').resolve())]]
    run = make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'epub,html', '--open', 'epub')
    assert opened[-1] == ['xdg-open', str((tmp_path / 'out' / 'the-harbour.epub').resolve())]
    run = make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'html', '--open', 'pdf')
    assert run.status == 0 and '--open: no pdf was built in this run' in run.err
    monkeypatch.setattr(build_command, 'desktop_opener', lambda: None)
    run = make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-f', 'html', '--open')
    assert 'no program to open files with here' in run.err and len(opened) == 2


def test_weasyprints_progress_becomes_the_pdfs_stages_and_pages() -> None:
    from makebook.build import LayoutProgress

    class Heard:
        def __init__(self) -> None:
            self.said: list[str] = []

        def stage(self, name: str, total: int = 0) -> None:
            self.said.append(name)

        def advance(self, count: int = 1) -> None:
            self.said.append(f'+{count}')

    heard = Heard()
    layout = LayoutProgress(heard)
    for message in ['Step 1 - Fetching and parsing HTML', 'Step 4 - Creating formatting structure',
                    'Step 5 - Creating layout - Page 1', 'Step 5 - Creating layout - Page 2',
                    'Step 5 - Creating layout - Repagination #1', 'Step 5 - Creating layout - Page 1',
                    'Step 5 - Creating layout - Page 2 (up-to-date)', 'Step 5 - Creating layout - Page 3',
                    'Step 4 - Creating formatting structure', 'Step 5 - Creating layout - Page 1',
                    'Step 6 - Creating PDF']:
        layout(message)
    assert heard.said == ['laying out the PDF', '+1', '+1', '+1', 'laying out the PDF (pass 2)', '+1',
                          'assembling the PDF file']
