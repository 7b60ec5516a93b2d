"""YAML metadata read bounded and located: no alias bomb, no impossible date, no 5,000-digit number
ever becomes a traceback, a hang or a gigabyte message; a key given twice is a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from makebook.source.yamltext import MAX_NODES, load

PATH = Path('/book/metadata.yaml')


def problems(text: str, offset: int = 0) -> list[tuple[str, int | None, str]]:
    return [(p.code, p.line, p.message) for p in load(text, PATH, offset)[2]]


def test_dates_stay_text_and_a_tagged_impossible_date_is_an_error_at_its_line() -> None:
    data, _, found = load('title: T\nrights: 2026-02-30\ndate: 2026-02-28\n', PATH)
    assert found == [] and data['rights'] == '2026-02-30' and data['date'] == '2026-02-28'
    found = problems('title: T\nlang: en\nwhen: !!timestamp 2026-02-30\n', offset=1)
    assert [(code, line) for code, line, _ in found] == [('MB203', 4)]
    assert "'2026-02-30' is not a real date" in found[0][2]


def test_a_tab_inside_a_value_is_a_space_and_two_documents_are_refused() -> None:
    assert load('rights: Creative\tCommons\n', PATH)[0] == {'rights': 'Creative Commons'}
    assert load('---\ntitle: T\n---\n', PATH)[0] == {'title': 'T'}
    assert [(code, line) for code, line, _ in problems('title: T\n---\ntitle: U\n')] == [('MB203', 3)]


@pytest.mark.parametrize('value', ['7' * 5000, '0x' + 'f' * 4000, '1_' + '1' * 4999, '1' * 5000 + '.5',
                                   '{name: S, index: 0x' + 'f' * 4000 + '}'])
def test_a_number_of_thousands_of_digits_is_an_error_at_its_line(value: str) -> None:
    found = problems(f'title: T\nseries: {value}\n')
    assert [(code, line) for code, line, _ in found] == [('MB203', 2)]
    assert len(found[0][2]) < 200  # the digits are never quoted


def bomb(levels: int = 9, fanout: int = 9) -> str:
    names = 'abcdefghijklmnopqrstuvwxyz'
    lines = [f'x{names[0]}: &{names[0]} [{",".join(["lol"] * fanout)}]']
    for level in range(1, levels):
        lines.append(f'x{names[level]}: &{names[level]} [{",".join([f"*{names[level - 1]}"] * fanout)}]')
    return '\n'.join(['title: T', *lines, f'author: *{names[levels - 1]}']) + '\n'


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    text = bomb()
    assert len(text) < 600  # 9^9 items once expanded
    found = problems(text)
    assert [code for code, _, _ in found] == ['MB203']
    assert f'more than {MAX_NODES:,} items' in found[0][2]
    assert found[0][1] is not None


def test_a_few_aliases_are_fine() -> None:
    data, lines, found = load('a: &x [1, 2]\nb: *x\n', PATH)
    assert found == [] and data == {'a': [1, 2], 'b': [1, 2]} and lines == {'a': 1, 'b': 2}


def test_a_value_that_contains_itself_is_refused() -> None:
    assert [code for code, _, _ in problems('a: &x [1, *x]\n')] == ['MB203']


def test_a_key_given_twice_is_a_warning_at_the_second_and_the_second_wins() -> None:
    data, lines, found = load('title: A\nauthor: T\ntitle: B\n', PATH, 1)
    assert data['title'] == 'B'
    assert lines['title'] == 4
    assert [(p.code, p.line, p.severity.value) for p in found] == [('MB220', 4, 'warning')]
    nested = problems('series: {name: A, name: B}\n')
    assert [(code, line) for code, line, _ in nested] == [('MB220', 1)]


def test_nesting_deeper_than_the_stack_is_an_error_not_a_traceback() -> None:
    found = problems('a: ' + '[' * 5000 + ']' * 5000 + '\n')
    assert [code for code, _, _ in found] == ['MB203']


def test_what_is_not_a_mapping_is_said_so() -> None:
    assert [code for code, _, _ in problems('- a\n- b\n')] == ['MB204']
    assert load('', PATH) == ({}, {}, [])
