"""Tab completion (argcomplete): the script for each shell, and make-book answering the shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import make_book


@pytest.mark.parametrize(('shell', 'marker'), [('bash', 'complete -o'), ('zsh', '#compdef make-book'),
                                               ('fish', 'complete --command make-book')])
def test_a_script_for_each_shell(capsys, shell: str, marker: str) -> None:
    run = make_book(capsys, 'completion', shell)
    assert run.status == 0 and marker in run.out and 'make-book' in run.out


@pytest.mark.parametrize(('line', 'expected'), [('make-book se', {'serve'}),
                                                ('make-book serve --p', {'--port', '--pdf-variant',
                                                                         '--print-ready'})])
def test_make_book_answers_the_shell(tmp_path: Path, line: str, expected: set[str]) -> None:
    answer = tmp_path / 'answer'
    environment = {**os.environ, '_ARGCOMPLETE': '1', '_ARGCOMPLETE_SHELL': 'bash', 'COMP_LINE': line,
                   'COMP_POINT': str(len(line)), '_ARGCOMPLETE_STDOUT_FILENAME': str(answer)}
    done = subprocess.run([sys.executable, '-m', 'makebook'], env=environment, capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert {word.strip() for word in answer.read_text().split('\013')} == expected
