"""Print README's table of diagnostic codes from makebook.codes (the one place they are defined).

    python scripts/codes_table.py > /tmp/table.md   # then paste it under README's "Codes"

tests/unit/test_codes.py checks that README lists every code with this hint.
"""

from __future__ import annotations

from makebook.codes import ALL


def table() -> str:
    rows = ['| code | severity | what | hint |', '|---|---|---|---|']
    rows += [f'| {c.id} | {c.severity.value} | {c.title} | {c.hint} |' for c in ALL.values()]
    return '\n'.join(rows)


if __name__ == '__main__':
    print(table())
