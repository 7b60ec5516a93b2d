"""The bounds of safety/limits.py, each at work (the whole build's are tested on real builds in
tests/e2e/test_limits.py)."""

from __future__ import annotations

import ctypes
import os
import re
import resource
from pathlib import Path

import pytest

from makebook import codes
from makebook.errors import OutputError
from makebook.safety import limits


def _spins_under_a_cpu_limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (1, 30))  # as ulimit -t would have it
    while True:
        pass


def test_a_child_stopped_by_its_cpu_limit_is_said_to_have_run_out_of_time() -> None:
    """SIGXCPU is the CPU time running out, not memory (the harness saw 'probably out of memory')."""
    with pytest.raises(OutputError) as raised:
        limits.run_bounded(_spins_under_a_cpu_limit, stage='PDF', bounds=limits.Bounds(60, 2048))
    assert raised.value.code == codes.STAGE_TIMED_OUT.id, str(raised.value)
    assert 'CPU time ran out' in str(raised.value)
    assert 'memory' not in str(raised.value).split(';')[0]


def test_outside_a_build_there_is_no_build_bound() -> None:
    assert limits.remaining() is None
    with limits.working_on(), limits.uninterrupted():
        limits.checkpoint()  # nothing to check against: returns


def _children() -> set[int]:
    """The processes this one has started and not yet reaped."""
    found: set[int] = set()
    for listing in Path('/proc/self/task').glob('*/children'):
        found.update(int(pid) for pid in listing.read_text(encoding='ascii').split())
    return found


def _message(watch: limits._Watch) -> str:
    """What the hard stop's messenger would print now."""
    assert watch.net is not None
    return os.pread(watch.net.state, 1 << 16, 0).split(b'\0')[0].decode('utf-8')


@pytest.mark.skipif(not Path('/proc/self/task').exists(), reason='reads /proc')
def test_the_hard_stops_messenger_starts_with_the_first_stage_and_ends_with_the_build() -> None:
    """A build that does nothing (an unchanged book) starts no process; the first stage starts the
    messenger, which holds the MB026 line naming the stage and files of the moment; when the build
    is over it is gone, also in the caller's own process (main() called by a test)."""
    before = _children()
    with limits.whole_build():
        watch = limits._WATCH
        assert watch is not None and watch.net is None and _children() == before
        with limits.stage('rendering'):
            assert watch.net is not None and watch.net.messenger is not None
            messenger = watch.net.messenger.pid
            assert messenger in _children() - before
            with limits.working_on(Path('book/02.md'), Path('book/03.md')):
                assert re.fullmatch(r'make-book: MB026 error: the build was stopped after \d+ s '
                                    r'\(MAKEBOOK_BUILD_SECONDS=\d+\), while rendering \(book/02\.md, '
                                    r'book/03\.md\); the previous outputs are untouched\n', _message(watch))
            assert 'while rendering;' in _message(watch)
            watch.memory_hit = True  # as the watchdog thread notes it
            limits._tell_messenger(watch)
            assert 'MB027 error: the build ran out of memory' in _message(watch)
            watch.memory_hit = False
        assert watch.stopped_in is None  # keeping the message current notes no stop
        with limits.uninterrupted(), limits.stage('writing the outputs'):
            assert not watch.native_net  # nothing ends the process while the outputs are swapped in
        assert watch.native_net  # the formats still to make are under the net again
    assert _children() == before
    with pytest.raises(ProcessLookupError):
        os.kill(messenger, 0)  # ended and reaped, not a zombie


@pytest.mark.skipif(not Path('/proc/self/task').exists(), reason='reads /proc')
def test_a_failed_build_leaves_no_messenger_behind() -> None:
    before = _children()
    with pytest.raises(ValueError, match='a bug'), limits.whole_build(), limits.stage('reading'):
        raise ValueError('a bug in a stage')
    assert _children() == before


def test_the_child_leaves_the_parent_s_objects_to_the_collector_frozen() -> None:
    """The PDF's child shares the parent's heap (the rendered book) page by page; a full collection
    would write to every object and so copy it. They are frozen in the child, not in the parent."""
    import gc

    assert limits.run_bounded(gc.get_freeze_count, stage='PDF', bounds=limits.Bounds(60, 2048)) > 1000
    assert gc.get_freeze_count() == 0


# ---- a function beside the build (limits.beside)

def _warns() -> int:
    import warnings

    warnings.warn('a library says something', UserWarning, stacklevel=1)
    return 1


def _sleeps() -> int:
    import time

    time.sleep(60)
    return 1


@pytest.mark.parametrize(('function', 'expected'), [
    (lambda: {'index.html': b'<html/>'}, {'index.html': b'<html/>'}),  # what it returned, pickled
    (lambda: 1 / 0, None),  # it raised: nothing to use, the caller does the work itself
    (_warns, None),  # it warned: the caller does it, and warns as it always did
    (lambda: os._exit(3), None),  # it died
])
def test_a_function_beside_the_build_gives_its_result_or_nothing_to_use(function, expected) -> None:
    beside = limits.beside(function)
    assert beside is not None
    try:
        assert beside.result() == expected
    finally:
        beside.stop()
    assert beside.pid is None  # waited for


def test_a_function_beside_the_build_is_stopped_with_it() -> None:
    beside = limits.beside(_sleeps)
    assert beside is not None and beside.pid is not None
    pid = beside.pid
    beside.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped: no such child any more


def test_a_function_beside_the_build_does_not_speak_for_it() -> None:
    """Inside a bounded build the child leaves the stages, the files and the hard stop's message
    to the parent: entering a stage there changes nothing the parent shows."""
    with limits.whole_build(), limits.stage('making the EPUB'):
        watch = limits._WATCH
        assert watch is not None
        beside = limits.beside(lambda: limits._WATCH is None)
        assert beside is not None
        try:
            assert beside.result() is True
        finally:
            beside.stop()
        assert watch.stages == ['making the EPUB']


def _told_plus_one() -> int:
    return int(limits.told()) + 1


def test_a_function_beside_the_build_waits_for_what_it_is_told() -> None:
    """The parent gives one value later (the folder its cache settled in), which the child's
    told() waits for; a child told nothing (its parent stopped it) gives nothing."""
    beside = limits.beside(_told_plus_one)
    assert beside is not None
    try:
        beside.tell(41)
        beside.tell(0)  # once only: nothing more reaches the child
        assert beside.result() == 42
    finally:
        beside.stop()
    untold = limits.beside(_told_plus_one)
    assert untold is not None and untold.pid is not None
    pid = untold.pid
    untold.stop()
    untold.stop()  # again: no pipe closed twice (its number may be another file's by now)
    assert (untold.read_end, untold.tell_end) == (-1, -1)
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    with pytest.raises(limits.Cancelled):  # outside a child: nobody to be told by
        limits.told()


def _resident_kb() -> int:
    with open('/proc/self/status', encoding='ascii') as status:
        return next(int(line.split()[1]) for line in status if line.startswith('VmRSS:'))


@pytest.mark.skipif(not Path('/proc/self/status').exists() or not hasattr(ctypes.CDLL(None), 'malloc_trim'),
                    reason='reads /proc; glibc gives back free pages with malloc_trim')
def test_the_parent_gives_its_free_heap_back_before_the_child_is_forked() -> None:
    """Memory the parent freed but malloc kept would be shared with the child, copied there as
    the child reuses it, and so counted twice: it goes back to the system before the fork."""
    freed = [bytes(100_000) for _ in range(640)]  # 64 MB from malloc's heap (below mmap's threshold)
    pinned = bytes(100_000)  # above them: the heap cannot shrink from its top alone
    del freed
    before = _resident_kb()
    assert limits.run_bounded(len, b'x', stage='PDF', bounds=limits.Bounds(60, 2048)) == 1
    assert before - _resident_kb() > 32_000
    assert len(pinned) == 100_000
