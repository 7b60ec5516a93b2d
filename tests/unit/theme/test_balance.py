"""theme/balance.py: display lines in as few lines as first-fit, of about even length."""

from __future__ import annotations

from makebook.theme.balance import balanced, split, word

CHAR, SPACE = 8.0, 4.0  # a monospaced stand-in: every letter 8 points, a space 4


def lines(title: str, room: float) -> list[str]:
    words = title.split()
    ends = balanced([word(w, CHAR * len(w)) for w in words], SPACE, room)
    assert ends is not None
    return [' '.join(line) for line in split(words, ends)]


def width(line: str) -> float:
    words = line.split()
    return CHAR * sum(map(len, words)) + SPACE * (len(words) - 1)


def test_a_title_is_balanced_in_as_many_lines_as_first_fit_sets_never_a_word_alone() -> None:
    title = 'Instruments and Their Settings for the Keeping of a Light Through a Long Winter'
    room = 260.0
    set_lines = lines(title, room)
    assert len(set_lines) == 3  # first-fit: 'Instruments and Their Settings for' / ... / 'Winter'
    assert ' '.join(set_lines) == title
    widths = [width(line) for line in set_lines]
    assert max(widths) <= room
    assert min(widths) > 0.6 * max(widths), set_lines
    assert len(set_lines[-1].split()) > 1


def test_a_line_ends_at_a_pause_rather_than_on_an_article_or_a_preposition() -> None:
    set_lines = lines('The Keeper and the Light: A Season on the Northern Cape', 260.0)
    assert set_lines == ['The Keeper and the Light:', 'A Season on the Northern Cape']
    for line in lines('A Field Guide to the Birds of the Eastern Shore of the Bay', 280.0)[:-1]:
        assert line.split()[-1].lower() not in {'a', 'to', 'the', 'of'}, line


def test_a_title_that_fits_is_left_whole_and_one_too_wide_is_left_alone() -> None:
    assert balanced([word(w, CHAR * len(w)) for w in ['Short', 'Title']], SPACE, 300.0) == []
    assert balanced([word('Pneumonoultramicroscopic', 200.0)], SPACE, 150.0) is None
    assert balanced([], SPACE, 100.0) == []


def test_no_line_ends_at_a_no_break_space() -> None:
    words = [word('Chapter', 56.0, breakable=False), word('XII', 24.0), word('and', 24.0),
             word('Beyond', 48.0)]
    ends = balanced(words, SPACE, 90.0)
    assert ends is not None and 0 not in ends
    assert split(['Chapter', 'XII', 'and', 'Beyond'], ends) == [['Chapter', 'XII'], ['and', 'Beyond']]


def test_words_are_told_weak_or_a_pause() -> None:
    assert word('the', 1.0).weak and word('Through', 1.0).weak and word('de', 1.0).weak
    assert not word('Keeper', 1.0).weak and not word('War', 1.0).weak
    assert word('Keeper:', 1.0).pause and word('Winter,', 1.0).pause and word('—', 1.0).pause
    assert not word('Keeper', 1.0).pause
