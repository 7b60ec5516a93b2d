"""The bounds of safety/limits.py, each at work (the whole build's are tested on real builds in
tests/e2e/test_limits.py)."""

from __future__ import annotations

import resource

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
