"""A note cut again replaces its own old cut and its continuations' cuts, and no other note's
(the pass loop of pdf/__init__.py)."""

from __future__ import annotations

from makebook.pdf import _cut_again
from makebook.pdf.splits import NoteSplit


def test_a_note_cut_again_keeps_the_cut_of_a_note_whose_id_begins_with_its_own() -> None:
    cuts = {note: NoteSplit(note, 5, 'p-1', 'Line') for note in ('fn-n2-1', 'fn-n2-1-cont', 'fn-n2-18')}
    again = NoteSplit('fn-n2-1', 3, 'p-2', 'Other')
    _cut_again(cuts, again)
    assert cuts == {'fn-n2-18': NoteSplit('fn-n2-18', 5, 'p-1', 'Line'), 'fn-n2-1': again}
