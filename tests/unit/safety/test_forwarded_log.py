"""A bounded stage's progress (WeasyPrint's pages) is heard by the parent, line by line, in order, and
never printed by the child."""

from __future__ import annotations

import logging

from makebook.safety import limits


def _lays_out(pages: int) -> int:
    logger = logging.getLogger('makebook-test.progress')
    for page in range(1, pages + 1):
        logger.info('Step 5 - Creating layout - Page %d', page)
    logging.getLogger('makebook-test.progress.detail').info('a child logger: heard too\nin one line')
    return pages


def test_the_parent_hears_each_message_of_the_forwarded_logger(capfd) -> None:
    printer = logging.StreamHandler()  # as with -v: the child still prints none of it
    parent = logging.getLogger('makebook-test')
    parent.addHandler(printer)
    parent.setLevel(logging.INFO)
    heard: list[str] = []
    forwarded = limits.Forwarded('makebook-test.progress', heard.append)
    try:
        assert limits.run_bounded(_lays_out, 300, stage='X', bounds=limits.Bounds(60, 2048),
                                  forwarded=forwarded) == 300
    finally:
        parent.removeHandler(printer)
    assert heard[:300] == [f'Step 5 - Creating layout - Page {n}' for n in range(1, 301)]
    assert heard[300:] == ['a child logger: heard too in one line']
    assert 'Creating layout' not in capfd.readouterr().err
