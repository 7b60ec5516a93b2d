"""The second process that lays out some of a round's pieces (pdf/helper.py): what it made,
logged and warned comes back whole; what it did not make is missing, for the parent to make."""

from __future__ import annotations

import logging
import os
import time
import warnings
from typing import Any

import pytest

from makebook.pdf import helper


def test_the_queue_holds_the_largest_first() -> None:
    assert helper.largest_first([50, 10, 40, 30, 20, 60]) == [5, 0, 2, 3, 4, 1]
    assert helper.largest_first([5, 5, 7]) == [2, 0, 1]  # ties in their order
    assert helper.largest_first([]) == []


def test_this_process_and_the_fork_take_each_index_once_from_one_queue() -> None:
    """Neither is given its share in advance: each takes the next index while there is one, so
    both are busy to the end; every index is done by exactly one of them."""
    parent = os.getpid()

    def work(index: int) -> Any:
        time.sleep(0.02)
        return {'anchors': [], 'index': index, 'by': os.getpid()}

    fork = helper.Helper(work, list(range(20)), lambda value: 0)
    here = []
    try:
        while (index := fork.take()) is not None:
            here.append(work(index)['index'])
        made = fork.results()
    finally:
        fork.close()
    assert sorted(here + list(made)) == list(range(20))  # each once
    assert here and made  # both did some
    assert all(value['by'] != parent for value in made.values())
    assert fork.take() is None  # closed: nothing more to take


def test_the_fork_delivers_its_results_logs_and_warnings(caplog: pytest.LogCaptureFixture) -> None:
    parent = os.getpid()

    def work(index: int) -> Any:
        assert os.getpid() != parent  # laid out in the fork
        logging.getLogger('weasyprint').error('a problem with piece %d', index)
        warnings.warn(f'careful with {index}', ResourceWarning, stacklevel=1)
        return {'anchors': [[] for _ in range(index)], 'index': index}

    with caplog.at_level(logging.ERROR, logger='weasyprint'), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')  # the fork's filters are this process's at the fork
        fork = helper.Helper(work, [1, 3], lambda value: len(value['anchors']))
        made = fork.results()
    assert made == {1: {'anchors': [[]], 'index': 1}, 3: {'anchors': [[], [], []], 'index': 3}}
    assert [record.getMessage() for record in caplog.records] == ['a problem with piece 1',
                                                                  'a problem with piece 3']
    assert [(w.category, str(w.message)) for w in caught] == [(ResourceWarning, 'careful with 1'),
                                                              (ResourceWarning, 'careful with 3')]
    assert not fork.folder.exists()  # its files removed


def test_what_the_fork_did_not_make_is_missing(caplog: pytest.LogCaptureFixture) -> None:
    def work(index: int) -> Any:
        if index == 2:
            raise MemoryError  # out of memory, say: the parent lays this one and the next out
        return {'anchors': [], 'index': index}

    fork = helper.Helper(work, [1, 2, 3], lambda value: 0)
    assert fork.results() == {1: {'anchors': [], 'index': 1}}


def test_a_fork_killed_delivers_what_it_finished_and_close_stops_it() -> None:
    def work(index: int) -> Any:
        if index == 2:
            os.kill(os.getpid(), 9)
        return {'anchors': [[]], 'index': index}

    fork = helper.Helper(work, [1, 2], lambda value: len(value['anchors']))
    assert fork.results() == {1: {'anchors': [[]], 'index': 1}}

    def forever(index: int) -> Any:
        while True:
            pass

    stuck = helper.Helper(forever, [1], lambda value: 0)
    assert stuck.pages_done() == 0
    stuck.close()  # killed, reaped, its folder gone
    assert stuck.pid == 0 and not stuck.folder.exists()


def test_cores_is_at_least_one_and_one_where_nothing_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    assert helper.cores() >= 1
    monkeypatch.delattr(os, 'fork')
    assert helper.cores() == 1  # the pieces laid out in this process, one after another
