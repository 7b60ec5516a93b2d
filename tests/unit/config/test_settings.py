"""The metadata's make-book: key: build settings kept with the book, the command line over them."""

from __future__ import annotations

from pathlib import Path

import pytest

from makebook.source import gather_manuscript
from tests.tools import make_book

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def test_settings_choose_the_output_folder_and_formats(capsys, write_book, tmp_path: Path,
                                                       monkeypatch) -> None:
    folder = write_book({'metadata.yaml': 'title: T\nauthor: A\nlang: en\n'
                                          'make-book:\n  output: dist\n  formats: [html, epub]\n',
                         '01.md': '# One\n\nText.'})
    monkeypatch.chdir(tmp_path / 'manuscript')  # 'output' is relative to the project, not here
    run = make_book(capsys, 'build', folder)
    assert run.status == 0, run.err
    assert sorted(p.name for p in (tmp_path / 'dist').iterdir()) == ['.make-book-cache', 'html', 't.epub'] \
        or sorted(p.name for p in (tmp_path / 'dist').iterdir()) == ['html', 't.epub']
    again = make_book(capsys, 'build', folder, '-o', tmp_path / 'cli', '-f', 'epub')  # the command line wins
    assert again.status == 0 and sorted(p.name for p in (tmp_path / 'cli').iterdir() if p.name[0] != '.') \
        == ['t.epub']


def test_strict_and_ignore_in_the_settings(capsys, write_book, tmp_path: Path) -> None:
    folder = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\nmake-book: {strict: true}\n---\n'
                                  '# One\n\nText.\n\n![](a.png)\n'})
    from tests.tools import tiny_png
    (folder / 'a.png').write_bytes(tiny_png())
    strict = make_book(capsys, 'build', folder, '-o', tmp_path / 'a', '-f', 'epub')
    assert strict.status == 1 and 'MB304 warning' in strict.err and '--strict' in strict.err
    text = (folder / '01.md').read_text(encoding='utf-8')
    (folder / '01.md').write_text(text.replace('{strict: true}', '{strict: true, ignore: [MB304]}'),
                                  encoding='utf-8')
    quiet = make_book(capsys, 'build', folder, '-o', tmp_path / 'b', '-f', 'epub')
    assert quiet.status == 0, quiet.err
    assert 'MB304' not in quiet.err
    (folder / '01.md').write_text(text.replace('{strict: true}', '{strict: true, ignore: [{code: MB304, '
                                               'files: "other/*.md"}]}'), encoding='utf-8')
    assert make_book(capsys, 'build', folder, '-o', tmp_path / 'c', '-f', 'epub').status == 1


def test_print_settings_may_live_under_the_key(write_book) -> None:
    folder = write_book({'01.md': META.replace('lang: en', 'lang: en\nnotes: footnotes\nmake-book:\n'
                                               '  trim-size: 6x9\n  notes: book-endnotes\n') + '# A\n\nx'})
    manuscript = gather_manuscript(folder)
    assert manuscript.diagnostics == ()
    assert manuscript.metadata.trim.css == '6in 9in'
    assert manuscript.metadata.print_settings.notes == 'book-endnotes'


def test_bad_settings_are_reported_at_the_key(write_book) -> None:
    folder = write_book({'metadata.yaml': 'title: T\nauthor: A\nlang: en\nmake-book:\n  outptu: x\n'
                                          '  formats: mobi\n  strict: yes please\n'
                                          '  ignore: [MB999, MB305, MB424x, {code: 3}]\n',
                         '01.md': '# A\n\nx'})
    found = [(d.code, d.line, d.message) for d in gather_manuscript(folder).diagnostics]
    assert ('MB140', 4, "metadata 'make-book': unknown setting 'outptu'; did you mean 'output'?") in found
    assert any(code == 'MB103' and 'unknown format mobi' in message for code, _, message in found)
    assert any(code == 'MB101' and "'strict' is true or false" in message for code, _, message in found)
    assert any('MB999 is not a make-book code' in message for _, _, message in found)
    assert any('MB305 is an error, and errors cannot be ignored' in message for _, _, message in found)
    assert all(line == 4 and str(folder / 'metadata.yaml') for _, line, _ in found)


@pytest.mark.parametrize('output', ['/tmp/elsewhere', '../outside', 'dist/../../outside', '~/dist',
                                    '"/srv/www/"', '"~root"'])
def test_an_output_outside_the_project_is_a_warning_and_not_used(capsys, write_book, tmp_path: Path,
                                                                  monkeypatch, output: str) -> None:
    folder = write_book({'metadata.yaml': 'title: T\nauthor: A\nlang: en\n'
                                          f'make-book:\n  output: {output}\n  formats: [epub]\n',
                         '01.md': '# One\n\nText.'})
    monkeypatch.chdir(tmp_path)
    run = make_book(capsys, 'build', folder)
    assert run.status == 0, run.err
    assert "metadata.yaml:4: MB140 warning: metadata 'make-book': 'output'" in run.err
    assert 'not a folder inside the project' in run.err
    assert (tmp_path / 'build' / 't.epub').is_file()  # the default, relative to where make-book runs
    assert not (tmp_path / 'outside').exists() and not Path('/tmp/elsewhere').exists()
