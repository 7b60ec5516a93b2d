"""Every problem make-book reports has a stable, documented code (codes.py, errors.py, README).

The codes are checked as values (well formed, unique, numbered by area, each one used),
against README's table of codes, and against the source: an AST scan of src/ shows that
every MakeBookError raised names its code or carries diagnostics, and that no diagnostic
is made except through a Code.
"""

from __future__ import annotations

import ast
import functools
import pickle
import re
from pathlib import Path

import pytest

from makebook import codes
from makebook.codes import ALL, Code
from makebook.errors import (
    BookError,
    Diagnostic,
    MakeBookError,
    MissingDependency,
    OutputError,
    Severity,
    fail_on_errors,
)
from tests.tools import REPO

SRC = REPO / 'src' / 'makebook'
CODES_PY = SRC / 'codes.py'


@functools.cache
def modules() -> list[tuple[Path, ast.Module]]:
    found = [(path, ast.parse(path.read_text(encoding='utf-8'), str(path)))
             for path in sorted(SRC.rglob('*.py'))]
    assert len(found) > 50
    return found


# ---- the codes as values

def test_codes_are_well_formed_unique_and_complete() -> None:
    written = [node.args[0].value for node in ast.walk(ast.parse(CODES_PY.read_text(encoding='utf-8')))
               if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == '_code']
    assert len(written) == len(set(written)), 'a code is defined twice'
    assert written == list(ALL)
    for code_id, code in ALL.items():
        assert re.fullmatch(r'MB\d{3}', code_id), code_id
        assert code.id == code_id
        assert isinstance(code.severity, Severity)
        for text in (code.title, code.hint):
            assert text.strip() == text and text and '\n' not in text and '|' not in text, code_id
        assert code.hint.endswith('.'), code_id
    constants = {name: value for name, value in vars(codes).items() if isinstance(value, Code)}
    assert sorted(c.id for c in constants.values()) == sorted(ALL)  # one named constant each
    assert all(ALL[value.id] is value for value in constants.values())


def test_codes_are_numbered_by_the_area_where_the_problem_is_found() -> None:
    areas = dict(re.findall(r'^ *MB(\d)xx +(.+)$', codes.__doc__ or '', re.MULTILINE))
    assert sorted(areas) == ['0', '1', '2', '3', '4', '5', '6']
    section = None
    placed = 0
    for line in CODES_PY.read_text(encoding='utf-8').splitlines():
        heading = re.match(r'# ---- MB(\d)xx: ', line)
        if heading:
            section = heading.group(1)
            assert section in areas
        found = re.search(r"_code\('MB(\d)(\d\d)'", line)
        if found:
            assert found.group(1) == section, line  # under the heading of its area
            placed += 1
    assert placed == len(ALL)
    assert list(ALL) == sorted(ALL)  # in order, area by area


def test_every_code_is_used_by_make_book() -> None:
    used = set()
    for path, tree in modules():
        if path == CODES_PY:
            continue
        used |= {node.attr for node in ast.walk(tree)
                 if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                 and node.value.id == 'codes'}
    constants = {name for name, value in vars(codes).items() if isinstance(value, Code)}
    assert constants - used == set(), 'codes defined but never reported'
    assert used - constants - {'Code', 'ALL'} == set(), 'codes used but not defined'


def test_every_code_is_in_the_readme_table_with_its_severity_title_and_hint() -> None:
    """README's '| code | severity | what | hint |' table (scripts/codes_table.py writes it)."""
    readme = (REPO / 'README.md').read_text(encoding='utf-8')
    header = '| code | severity | what | hint |'
    assert header in readme, "README has no table of codes ('| code | severity | what | hint |')"
    rows = {}
    for line in readme[readme.index(header):].splitlines()[2:]:
        if not line.startswith('|'):
            break
        cells = [cell.strip() for cell in re.split(r'(?<!\\)\|', line)[1:-1]]
        assert len(cells) == 4, line
        rows[cells[0]] = tuple(cells[1:])
    assert rows == {code.id: (code.severity.value, code.title, code.hint) for code in ALL.values()}


# ---- the source: errors name their code, diagnostics are made through codes

def error_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """MakeBookError and every class in src/ that derives from it, however deep."""
    names = {'MakeBookError'}
    while True:
        more = {node.name for _, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                and any((getattr(base, 'id', None) or getattr(base, 'attr', None)) in names
                        for base in node.bases)}
        if more <= names:
            return names
        names |= more


def called_name(node: ast.Call) -> str | None:
    return getattr(node.func, 'id', None) or getattr(node.func, 'attr', None)


def test_every_make_book_error_names_its_code_or_carries_diagnostics() -> None:
    trees = modules()
    classes = error_classes(trees)
    assert classes >= {'MakeBookError', 'BookError', 'MissingDependency', 'OutputError'}
    made, bare = 0, []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and called_name(node) in classes):
                continue
            made += 1
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get('code')
            if code is not None:
                # code=codes.NAME.id: a registered code, never a string typed in place
                assert (isinstance(code, ast.Attribute) and code.attr == 'id'
                        and isinstance(code.value, ast.Attribute) and code.value.value.id == 'codes'
                        and isinstance(ALL.get(getattr(codes, code.value.attr).id), Code)), \
                    f'{path.relative_to(REPO)}:{node.lineno}'
            elif len(node.args) < 2 and 'diagnostics' not in keywords:
                bare.append(f'{path.relative_to(REPO)}:{node.lineno}')
    assert bare == [], 'raised without code= or diagnostics'
    assert made >= 25


def test_no_diagnostic_is_made_except_through_a_code() -> None:
    direct = [f'{path.relative_to(REPO)}:{node.lineno}' for path, tree in modules()
              if path.name not in ('codes.py', 'errors.py')
              for node in ast.walk(tree) if isinstance(node, ast.Call) and called_name(node) == 'Diagnostic']
    assert direct == []
    made = sum(1 for _, tree in modules() for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and isinstance(node.func.value, ast.Name) and node.func.value.id == 'codes'
               and isinstance(getattr(codes, node.func.attr, None), Code))
    assert made >= 35  # codes.NAME(message, path, line) all over the stages (some through a variable)


# ---- errors.py

def test_a_code_makes_a_diagnostic_with_its_severity() -> None:
    diagnostic = codes.NO_ALT_TEXT('image has no alt text', Path('book/01.md'), 7)
    assert diagnostic == Diagnostic('MB303', 'image has no alt text', Path('book/01.md'), 7, Severity.WARNING)
    assert str(diagnostic) == 'book/01.md:7: MB303 warning: image has no alt text'
    assert str(codes.BAD_ISBN('bad ISBN', Path('m.yaml'))) == 'm.yaml: MB108 error: bad ISBN'
    assert str(codes.NO_TEXT('no text')) == 'MB215 error: no text'


def test_errors_keep_their_code_and_diagnostics_across_a_pipe() -> None:
    problems = [codes.NO_TITLE('no title', Path('m.md'), 1), codes.NO_LANGUAGE('no lang', Path('m.md'), 2)]
    for error in (BookError('bad book', problems),
                  OutputError('cannot write', code=codes.OUTPUT_UNWRITABLE.id)):
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), again.diagnostics, again.code) == (
            type(error), str(error), error.diagnostics, error.code)
    classes = (MakeBookError, BookError, MissingDependency, OutputError)
    assert [cls.exit_code for cls in classes] == [1, 1, 3, 4]


@pytest.mark.parametrize(('found', 'message'), [
    ([], None),
    ([codes.NO_LANGUAGE('w')], None),  # warnings alone never fail the build
    ([codes.NO_LANGUAGE('w'), codes.BAD_DATE('e')], 'book: 1 problem found'),
    ([codes.BAD_DATE('e'), codes.BAD_ISBN('f')], 'book: 2 problems found'),
])
def test_fail_on_errors_raises_for_errors_only_listing_them(found: list[Diagnostic],
                                                           message: str | None) -> None:
    if message is None:
        fail_on_errors(found, 'book')
        return
    with pytest.raises(BookError, match=message) as raised:
        fail_on_errors(found, 'book')
    assert raised.value.diagnostics == tuple(d for d in found if d.severity is Severity.ERROR)
    assert raised.value.code is None  # it sums up diagnostics, each with its own code
