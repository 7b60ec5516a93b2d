"""Notes whose call is in one file and whose note is in another (source/notes.py): the labels
read as Python-Markdown reads them, and a run of unclosed calls read once."""

from __future__ import annotations

from pathlib import Path

from makebook.model import SourceFile
from makebook.source.notes import share_notes


def _file(name: str, markdown: str) -> SourceFile:
    return SourceFile(Path('/book') / name, name, markdown, 1, {})


def test_a_call_gets_the_note_another_file_defines() -> None:
    calling = _file('01.md', 'A claim.[^src] Another.[^a[b]\n')
    defining = _file('99.md', 'References.\n\n[^src]: The source.\n\n[^a[b]: A label with a bracket.\n')
    shared = share_notes([calling, defining])
    assert '[^src]: The source.' in shared[0].markdown
    assert '[^a[b]: A label with a bracket.' in shared[0].markdown  # '[' alone is part of a label
    assert 'The source' not in shared[1].markdown  # moved, its lines left blank


def test_a_call_is_the_last_of_a_run_of_unclosed_ones() -> None:
    """'[^x[^x[^y]': the call is '[^y]' (a label holds no '[^': each '[^' begins a call), so a
    run of thousands of '[^x' with no ']' is read once, not once from each '[^'."""
    calling = _file('01.md', 'Text ' + '[^x' * 3 + '[^y] and ' + '[^x' * 20_000 + '\n')
    defining = _file('99.md', '[^y]: The note.\n\n[^x]: Never called.\n')
    shared = share_notes([calling, defining])
    assert shared[0].markdown.endswith('\n[^y]: The note.')
    assert 'Never called' in shared[1].markdown
