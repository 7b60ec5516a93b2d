"""Every end-to-end test builds real books: all of them are 'slow'.

`pytest -m "not slow"` is the fast loop (unit tests); CI and README's test
command run everything, EPUBCheck included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)
