"""make-book check: every finding as path:line: code severity: message plus a hint, JSON for
programs, --strict, the book's ignore list; nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.tools import make_book

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def test_check_lists_problems_with_hints_and_writes_nothing(capsys, write_book, tmp_path: Path,
                                                            monkeypatch) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nIt rained - all day.\n\n![A map](nowhere.png)\n'})
    monkeypatch.chdir(tmp_path)
    run = make_book(capsys, 'check', 'manuscript')
    assert run.status == 1  # an error: the book cannot be built
    lines = run.err.splitlines()
    finding = 'manuscript/01.md:8: MB425 warning: a spaced hyphen is used as a dash: "It rained - all day."'
    assert lines[lines.index(finding) + 1] == '    hint: Write -- for an en dash or --- for an em dash.'
    assert any(line.startswith("manuscript/01.md:10: MB305 error: image 'nowhere.png'") for line in lines)
    assert lines[-1] == 'make-book: check: 1 error and 1 warning in 1 chapter'
    assert 'EPUBCheck: not run: no EPUB built yet at build/t.epub' in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ['manuscript']  # nothing written
    assert folder.exists()


def test_warnings_pass_unless_strict_and_the_ignore_list_applies(capsys, write_book) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nIt rained - all day.\n'})
    assert make_book(capsys, 'check', folder, '--no-epubcheck').status == 0
    assert make_book(capsys, 'check', folder, '--no-epubcheck', '--strict').status == 1
    (folder / '01.md').write_text(HEAD.replace('lang: en', 'lang: en\nmake-book: {strict: true, ignore: '
                                                            '[MB425]}') + '# One\n\nIt rained - all day.\n',
                                  encoding='utf-8')
    run = make_book(capsys, 'check', folder, '--no-epubcheck')
    assert run.status == 0 and 'MB425' not in run.err and 'no problems in 1 chapter' in run.err


def test_json_for_editors_and_ci(capsys, write_book) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nText.\n\n### Deep\n\nMore.\n'})
    run = make_book(capsys, 'check', folder, '--format', 'json')
    assert run.status == 0 and run.err == ''
    report = json.loads(run.out)
    assert report['errors'] == 0 and report['warnings'] == 1
    assert report['problems'] == [{
        'path': str(folder / '01.md'), 'line': 10, 'code': 'MB420', 'severity': 'warning',
        'message': "the heading 'Deep' is level 3 under a level 1: level 2 is skipped",
        'hint': 'Use one more # than the heading above (## under #), not two.'}]
    assert report['epubcheck'].startswith('not run: no EPUB built yet')


def test_quiet_prints_only_the_problems(capsys, write_book) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nText.\n'})
    run = make_book(capsys, 'check', folder, '-q')
    assert (run.status, run.out, run.err) == (0, '', '')
