"""make-book check runs EPUBCheck on the last EPUB built and reports its findings at the manuscript
file the chapter came from (Java and the EPUBCheck jar of the test extras are needed)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.tools import epubcheck_jar, make_book

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'

pytestmark = pytest.mark.skipif(not shutil.which('java') or epubcheck_jar() is None,
                                reason='EPUBCheck needs Java and the epubcheck package')


def test_epubcheck_findings_point_at_the_chapters_file(capsys, write_book, tmp_path: Path) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nText.\n', '02.md': '# Two\n\nMore text.\n'})
    out = tmp_path / 'out'
    assert make_book(capsys, 'build', folder, '-o', out, '-f', 'epub', '-q').status == 0
    clean = make_book(capsys, 'check', folder, '-o', out)
    assert clean.status == 0, clean.err
    assert 'EPUBCheck: out/t.epub' in clean.err or f'EPUBCheck: {out}/t.epub' in clean.err
    assert 'ago: no problems' in clean.err

    epub = out / 't.epub'  # a chapter spoiled after the build, as a broken tool might
    with zipfile.ZipFile(epub) as source:
        entries = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(epub, 'w') as target:
        for info, data in entries.items():
            if info.filename.endswith('chapter-002.xhtml'):
                data = data.replace(b'<p', b'<blink>x</blink><p', 1)
            target.writestr(info, data)
    spoiled = make_book(capsys, 'check', folder, '-o', out)
    assert spoiled.status == 1
    line = next(line for line in spoiled.err.splitlines() if 'MB510' in line)
    assert line.startswith(f'{folder / "02.md"}: MB510 error: EPUBCheck RSC-005')
    assert 'blink' in line and '(in the EPUB at EPUB/chapter-002.xhtml:' in line
