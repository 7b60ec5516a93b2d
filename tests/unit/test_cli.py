from __future__ import annotations

import builtins
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import make_book, outputs

META = '---\ntitle: A Small Book\nauthor: A\nlang: en\n---\n'


def test_help_explains_every_option(capsys) -> None:
    run = make_book(capsys, 'build', '--help')
    assert run.status == 0
    for option in ('MANUSCRIPT', '--output', '--format', '--strict', '--verbose', '--quiet', 'exit status'):
        assert option in run.out


def test_no_arguments_builds_manuscript_into_build(capsys, write_book, tmp_path, monkeypatch) -> None:
    write_book({'01.md': META + '# One\n\nText.'})
    monkeypatch.chdir(tmp_path)
    run = make_book(capsys, '--format', 'epub,html')
    assert run.status == 0, run.err
    assert run.out.splitlines() == ['build/a-small-book.epub', 'build/html/index.html']
    assert Path('build/a-small-book.epub').is_file()


def test_bad_format_is_a_usage_error(capsys) -> None:
    run = make_book(capsys, 'build', '--format', 'mobi')
    assert run.status == 2 and 'unknown format mobi' in run.err


def test_every_problem_is_listed_without_a_traceback(capsys, write_book, tmp_path) -> None:
    folder = write_book({'1.md': META + '# A\n\n[x](missing.md)\n\n![i](nope.png)',
                         '2.md': b'# B\n\n\xff\n'})
    run = make_book(capsys, 'build', folder, '-o', tmp_path / 'out')
    assert run.status == 1
    assert 'Traceback' not in run.err
    stages = ['make-book: reading the manuscript', 'make-book: rendering 1 file',
              'make-book: checking the book']
    lines = run.err.splitlines()
    assert lines[:3] == stages  # what it was doing, a line a stage (not a terminal: no live display)
    lines = lines[3:]
    assert lines[0] == 'make-book: Layout: folder (2 .md files)'  # printed when a build fails too
    assert lines[1].startswith(f'{folder / "2.md"}:3: MB201 error: not valid UTF-8')
    assert lines[-1].startswith('make-book: error:')
    assert not (tmp_path / 'out').exists()


def test_all_render_problems_are_reported_together(capsys, write_book, tmp_path) -> None:
    folder = write_book({'1.md': META + '# A\n\n[x](missing.md)\n\n![i](nope.png)'})
    run = make_book(capsys, 'build', folder, '-o', tmp_path / 'out')
    assert run.status == 1
    assert f'{folder / "1.md"}:8: MB301 warning: broken link' in run.err  # printed on failure too
    assert f'{folder / "1.md"}:10: MB305 error: image' in run.err


def test_strict_turns_warnings_into_errors(capsys, write_book, tmp_path) -> None:
    folder = write_book({'1.md': '---\ntitle: T\n---\n# A\n\ntext'})
    assert make_book(capsys, 'build', folder, '-o', tmp_path / 'a', '-f', 'epub').status == 0
    run = make_book(capsys, 'build', folder, '-o', tmp_path / 'b', '-f', 'epub', '--strict')
    assert run.status == 1 and "metadata 'lang'" in run.err


def test_a_failed_build_keeps_the_previous_outputs(capsys, write_book, tmp_path) -> None:
    folder = write_book({'1.md': META + '# A\n\nGood.'})
    out = tmp_path / 'out'
    assert make_book(capsys, 'build', folder, '-o', out, '-f', 'epub,html').status == 0
    before = outputs(out)
    (folder / '1.md').write_text(META + '# A\n\n![broken](nowhere.png)', encoding='utf-8')
    assert make_book(capsys, 'build', folder, '-o', out, '-f', 'epub,html').status == 1
    assert outputs(out) == before


def test_the_output_folder_may_not_hold_the_manuscript(capsys, write_book) -> None:
    folder = write_book({'1.md': META + '# A\n\nx'})
    for out in (folder, folder.parent):
        run = make_book(capsys, 'build', folder, '-o', out)
        assert run.status == 4 and 'must not be the manuscript folder' in run.err


def test_missing_pango_is_one_clear_line(capsys, write_book, tmp_path, monkeypatch) -> None:
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == 'weasyprint' or name.startswith('weasyprint.'):
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, '__import__', no_pango)
    folder = write_book({'1.md': META + '# A\n\nx'})
    run = make_book(capsys, 'build', folder, '-o', tmp_path / 'out', '-f', 'pdf', '-q')
    assert run.status == 3
    assert 'libpango-1.0-0 libpangoft2-1.0-0' in run.err and 'Traceback' not in run.err
    lines = run.err.strip().splitlines()
    assert [line for line in lines if 'Layout:' not in line] == [lines[-1]]


def test_python_dash_m_works(write_book, tmp_path) -> None:
    folder = write_book({'1.md': META + '# A\n\nx'})
    done = subprocess.run([sys.executable, '-m', 'makebook', 'build', str(folder), '-o', str(tmp_path / 'o'),
                           '-f', 'epub'], capture_output=True, text=True, env={**os.environ}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith('a-small-book.epub')


@pytest.mark.parametrize('good', [True, False])
def test_a_build_run_as_the_program_ends_as_python_would_without_tearing_down(
        write_book, tmp_path, good: bool) -> None:
    """The command line's build ends its process itself (cli._end_now: a long book's heap is not
    freed object by object): the same status, what it printed flushed into a pipe, the exit
    handlers run after the threads end; main(argv) from Python still returns."""
    folder = write_book({'1.md': META + ('# A\n\nx' if good else '')})
    script = ('import atexit, sys, threading, time; from makebook.cli import main; '
              't = threading.Thread(target=lambda: (time.sleep(2), print("thread done"))); t.start(); '
              'atexit.register(lambda: print("exit handler ran")); sys.argv[0] = "make-book"; '
              'status = main(); print("not reached"); sys.exit(status)')
    done = subprocess.run([sys.executable, '-c', script, 'build', str(folder), '-o', str(tmp_path / 'o'),
                           '-f', 'epub'], capture_output=True, text=True, env={**os.environ}, check=False)
    assert done.returncode == (0 if good else 1), done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ['thread done', 'exit handler ran'] and 'not reached' not in lines
    assert lines[0].endswith('a-small-book.epub') if good else 'MB' in done.stderr


@pytest.mark.parametrize('argv', [['--version'], ['-h']])
def test_top_level_flags(capsys, argv) -> None:
    assert make_book(capsys, *argv).status == 0


@pytest.mark.parametrize(('flag', 'value', 'expected'), [
    ('--notes', 'margin', 'footnotes, chapter-endnotes, book-endnotes'),
    ('--pdf-variant', 'pdf/x-9', 'pdf/ua-1, pdf/a-3b, pdf/x-4, pdf/x-1a'),
])
def test_bad_print_options_are_usage_errors(capsys, flag: str, value: str, expected: str) -> None:
    run = make_book(capsys, 'build', 'manuscript', flag, value)
    assert run.status == 2
    assert expected in run.err


def test_several_books_are_built_at_once_and_a_failure_stops_none(capsys, write_book, tmp_path) -> None:
    one = write_book({'1.md': META + '# A\n\nGood.'}, name='one')
    broken = write_book({'1.md': META + '# B\n\n![A map](missing.png)'}, name='broken')
    three = write_book({'1.md': META.replace('A Small Book', 'Three') + '# C\n\nGood too.'}, name='three')
    out = tmp_path / 'out'
    run = make_book(capsys, 'build', one, broken, three, '-o', out, '-f', 'epub,html')
    assert run.status == 1
    assert run.out.split() == [str(out / 'one' / 'a-small-book.epub'),
                               str(out / 'one' / 'html' / 'index.html'),
                               str(out / 'three' / 'three.epub'), str(out / 'three' / 'html' / 'index.html')]
    assert 'missing.png' in run.err and not (out / 'broken').exists()
    alone = make_book(capsys, 'build', one, '-o', tmp_path / 'alone', '-f', 'epub,html')
    assert alone.status == 0  # the same book as when built beside others
    epub = 'a-small-book.epub'
    assert (tmp_path / 'alone' / epub).read_bytes() == (out / 'one' / epub).read_bytes()
    assert outputs(tmp_path / 'alone' / 'html') == outputs(out / 'one' / 'html')


def test_two_books_of_one_name_are_refused(capsys, write_book, tmp_path) -> None:
    first = write_book({'1.md': META + '# A\n\nGood.'}, name='a/book')
    second = write_book({'1.md': META + '# A\n\nGood.'}, name='b/book')
    run = make_book(capsys, 'build', first, second, '-o', tmp_path / 'out')
    assert run.status == 2 and 'both be built into' in run.err


def test_a_book_whose_build_process_dies_is_reported_without_a_traceback(
        capsys, write_book, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A book's build process that ends abruptly (the hard stop of a stage stuck in C code, which
    prints its own MB026 line, or a crash) broke the pool of book processes: BrokenProcessPool's
    traceback. Now each book it took down is named, not built, exit 1; a book done before is
    reported as built."""
    from makebook.commands import build as build_command

    one = write_book({'1.md': META + '# A\n\nGood.'}, name='one')
    dies = write_book({'1.md': META + '# B\n\nDies.'}, name='dies')
    real = build_command._build_one

    def build_one(args):  # in the book's process (forked with this module as it is here)
        if args.manuscript.name == 'dies':
            os._exit(1)  # as faulthandler's timer ends a stuck build
        return real(args)

    monkeypatch.setattr(build_command, '_build_one', build_one)
    monkeypatch.setattr(os, 'cpu_count', lambda: 1)  # one book at a time: 'one' is done first
    out = tmp_path / 'out'
    run = make_book(capsys, 'build', one, dies, '-o', out, '-f', 'epub')
    assert run.status == 1
    assert 'Traceback' not in run.err and 'BrokenProcessPool' not in run.err
    assert f'make-book: {dies}: not built: its build process ended abruptly' in run.err, run.err
    assert run.out.split() == [str(out / 'one' / 'a-small-book.epub')]
    assert not (out / 'dies').exists()
