"""The per-file conversion's two fast paths read every file as before.

* One Markdown instance reused for file after file (render/convert.py ``_reader``) reads
  each as a fresh instance does.
* An inline pattern is not searched for in a text holding none of its triggers
  (extensions/commonmark/inline.py ``TRIGGERS``).

The corpus: every Markdown file of the fixture books, every CommonMark example, smarty's
quote cases and a file Python-Markdown stops in (fixture_texts.py). It is converted as
before (a new instance for each file, every pattern searched, and each match checked for
its pattern's triggers), then with both fast paths in shuffled orders: the same XHTML,
notes, problems and headings, byte for byte.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from makebook.extensions.commonmark import inline
from makebook.model import SourceFile
from makebook.render import convert
from makebook.render.convert import convert_file, to_json
from tests.unit.render.fixture_texts import fixture_sources


@dataclass
class Before:
    converted: dict[Path, str] = field(default_factory=dict)
    instances: int = 0
    matched: set[str] = field(default_factory=set)  # the patterns with triggers that matched
    missing: list[tuple[str, str]] = field(default_factory=list)  # (pattern, text) matched without one


def converted(source: SourceFile) -> str:
    return json.dumps(to_json(convert_file(source)), sort_keys=True)


@pytest.fixture(scope='module')
def before() -> Before:
    found = Before()
    triggers = dict(inline.TRIGGERS)
    apply = inline.LinearInline._InlineProcessor__applyPattern
    make = convert.markdown.Markdown

    def checked(self, pattern, data, index, start=0):
        registry = self.inlinePatterns
        if getattr(self, 'test_names', (None,))[0] is not registry:  # its patterns' names, by id
            self.test_names = registry, {id(registry[name]): name for name in triggers if name in registry}
        name = self.test_names[1].get(id(pattern))
        if name is not None and pattern.getCompiledRegExp().search(data, start) is not None:
            found.matched.add(name)
            if not any(trigger in data for trigger in triggers[name]):
                found.missing.append((name, data))
        return apply(self, pattern, data, index, start)

    def counted(*args, **kwargs):
        found.instances += 1
        return make(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inline.LinearInline, '_InlineProcessor__applyPattern', checked)
        patch.setattr(inline, 'TRIGGERS', {})
        patch.setattr(convert.markdown, 'Markdown', counted)
        for source in fixture_sources():
            convert._READERS.markdown = None
            found.converted[source.path] = converted(source)
    convert._READERS.markdown = None
    return found


def test_every_pattern_match_holds_one_of_its_triggers(before: Before) -> None:
    assert before.instances == len(fixture_sources())
    assert before.missing == []
    assert sorted(set(inline.TRIGGERS) - before.matched) == []  # each entry met a match


@pytest.mark.parametrize('seed', [1, 2])
def test_one_reused_instance_and_the_triggers_convert_every_file_as_before(
        before: Before, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    order = list(fixture_sources())
    random.Random(seed).shuffle(order)
    made = 0
    make = convert.markdown.Markdown

    def counted(*args, **kwargs):
        nonlocal made
        made += 1
        return make(*args, **kwargs)

    monkeypatch.setattr(convert.markdown, 'Markdown', counted)
    convert._READERS.markdown = None
    for source in order:
        assert converted(source) == before.converted[source.path], source.path
    # one instance, and one more after the file Python-Markdown stopped in
    assert made == (1 if order[-1].name == 'deep.md' else 2)
    assert 'MB308' in before.converted[Path('/deep.md')]


def test_a_file_is_never_read_with_an_instance_still_in_use() -> None:
    assert convert._reader() is not convert._reader()


def test_the_extensions_are_those_python_markdown_makes_from_their_names() -> None:
    """render/convert.py makes the extensions itself (Python-Markdown would first read every
    installed package's entry points to find each name): the same classes, with the same
    settings, in the same order, as Python-Markdown makes from the names and MARKDOWN_CONFIG."""
    import markdown

    by_name = markdown.Markdown()
    expected = [by_name.build_extension(name, convert.MARKDOWN_CONFIG.get(name, {}))
                for name in convert.MARKDOWN_EXTENSIONS]
    made = convert.markdown_extensions()
    assert [type(e) for e in made] == [type(e) for e in expected]
    assert [e.getConfigs() for e in made] == [e.getConfigs() for e in expected]
    assert any(e.getConfigs() for e in made)  # the settings did reach them
