"""The cache the author's loop and book-scale speed share: reused while valid, harmless when not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from makebook import cache
from makebook.cache import Cache


@pytest.fixture
def store(tmp_path: Path) -> Cache:
    return Cache.in_output_folder(tmp_path)


def test_a_value_comes_back_under_its_key(store: Cache) -> None:
    key = store.key('render/convert', 'chapter one', b'\x00bytes')
    store.store('render/convert', key, {'body': '<p>é</p>', 'problems': [['MB301', 'x', None, 3]]})
    assert store.load('render/convert', key) == {'body': '<p>é</p>', 'problems': [['MB301', 'x', None, 3]]}
    assert (store.hits, store.misses) == (1, 0)


def test_the_key_names_every_part_and_the_namespace(store: Cache) -> None:
    keys = {store.key('a', 'x', 'y'), store.key('a', 'xy'), store.key('a', 'x', 'z'),
            store.key('b', 'x', 'y')}
    assert len(keys) == 4  # parts are length-prefixed: ('x', 'y') is not ('xy',)
    assert store.key('a', 'x', 'y') == Cache.off().key('a', 'x', 'y')  # the key does not depend on where


def test_the_key_changes_with_make_books_own_code(store: Cache, monkeypatch: pytest.MonkeyPatch) -> None:
    before = store.key('a', 'x')
    monkeypatch.setattr(cache, 'code_fingerprint', lambda: 'another version')
    assert store.key('a', 'x') != before


@pytest.mark.parametrize('damage', [
    lambda text: text[: len(text) // 2],                                  # cut short
    lambda text: text.replace('"x"', '"y"'),                              # content changed
    lambda text: json.dumps({**json.loads(text), 'key': '0' * 64}),       # another key's entry
    lambda text: json.dumps({**json.loads(text), 'format': 0}),           # an older layout
    lambda text: 'not json at all',
])
def test_a_damaged_entry_is_a_miss_and_is_removed(store: Cache, damage) -> None:
    key = store.key('ns', 'x')
    store.store('ns', key, ['x'])
    entry = next((store.folder / 'ns').rglob('*.json'))
    entry.write_text(damage(entry.read_text()))
    assert store.load('ns', key) is None
    assert not entry.exists()


def test_a_cache_that_is_off_misses_and_writes_nothing(tmp_path: Path) -> None:
    off = Cache.off()
    off.store('ns', off.key('ns', 'x'), 1)
    assert off.load('ns', off.key('ns', 'x')) is None
    off.sweep()
    assert list(tmp_path.iterdir()) == []


def test_a_link_where_the_cache_goes_is_never_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    (out / cache.FOLDER).symlink_to(elsewhere)
    linked = Cache.in_output_folder(out)
    linked.store('ns', linked.key('ns', 'x'), 1)
    assert linked.folder is None and list(elsewhere.iterdir()) == []


def test_an_unwritable_cache_never_fails_the_build(tmp_path: Path) -> None:
    store = Cache.in_output_folder(tmp_path)
    assert store.folder is not None
    (store.folder / 'ns').write_text('a file where a folder should be')
    store.store('ns', store.key('ns', 'x'), 1)  # no exception
    assert store.load('ns', store.key('ns', 'x')) is None


def test_sweep_keeps_what_this_build_used_and_other_stages_entries(tmp_path: Path) -> None:
    first = Cache.in_output_folder(tmp_path)
    for name in ('old', 'kept'):
        first.store('render/convert', first.key('render/convert', name), name)
    first.store('pdf/layout', first.key('pdf/layout', 'page'), 'page')
    second = Cache.in_output_folder(tmp_path)  # the next build: uses one entry of one namespace
    assert second.load('render/convert', second.key('render/convert', 'kept')) == 'kept'
    leftover = second.folder / 'render/convert' / '.tmp-interrupted'
    leftover.write_text('half')
    second.sweep()
    third = Cache.in_output_folder(tmp_path)
    assert third.load('render/convert', third.key('render/convert', 'kept')) == 'kept'
    assert third.load('render/convert', third.key('render/convert', 'old')) is None
    assert third.load('pdf/layout', third.key('pdf/layout', 'page')) == 'page'  # not looked in: kept
    assert not leftover.exists()


def test_namespaces_and_keys_cannot_name_a_path_outside(store: Cache) -> None:
    store.store('../escape', 'a' * 64, 1)
    store.store('ns', '../../x', 1)
    assert [p for p in store.folder.parent.rglob('*') if p.is_file()] == []
    assert os.listdir(store.folder) == []


def test_the_fingerprint_names_the_installed_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    assert any(name.lower().startswith('weasyprint-') for name in cache._installed_distributions())
    before = cache.code_fingerprint()
    cache.code_fingerprint.cache_clear()
    monkeypatch.setattr(cache, '_installed_distributions', lambda: ['weasyprint-999.dist-info'])
    try:
        assert cache.code_fingerprint() != before  # an upgraded library never meets old results
    finally:
        cache.code_fingerprint.cache_clear()


def test_a_deferred_cache_writes_only_once_settled(tmp_path: Path) -> None:
    deferred = Cache.deferred()
    key = deferred.key('ns', 'x')
    deferred.store('ns', key, {'made': 'before the folder existed'})
    assert deferred.load('ns', key) is None and list(tmp_path.iterdir()) == []
    deferred.settle(tmp_path)
    assert Cache.in_output_folder(tmp_path).load('ns', key) == {'made': 'before the folder existed'}
    deferred.sweep()  # what it wrote counts as used
    assert Cache.in_output_folder(tmp_path).load('ns', key) is not None


def test_a_record_made_while_deferred_writes_it_all_where_the_cache_settles(tmp_path: Path) -> None:
    """The web edition's child starts before the build has its folder (build.py): its record
    writes what it stores once told the folder, and counts as made what it looked up
    meanwhile; the cache writes what it kept (the conversions) itself, and keeps every entry
    through the sweep."""
    deferred = Cache.deferred()
    converted = deferred.key('render/file', 'x')
    deferred.store('render/file', converted, 'the conversion')
    record = deferred.fresh_record()
    page = record.key('web/page', 'y')
    assert record.load('web/page', page) is None
    record.store('web/page', page, 'the page')
    assert list(tmp_path.iterdir()) == []  # nothing written before the folder is made
    deferred.settle(tmp_path, write=False)
    record.settled_in(deferred.folder)
    record.write_kept()
    assert Cache.in_output_folder(tmp_path).load('render/file', converted) is None  # not the record's
    deferred.write_kept()
    deferred.merge(record)
    assert (deferred.hits, deferred.misses) == (0, 1)
    deferred.sweep()
    settled = Cache.in_output_folder(tmp_path)
    assert settled.load('render/file', converted) == 'the conversion'
    assert settled.load('web/page', page) == 'the page'


def test_describe_names_a_value_the_same_way_in_every_process() -> None:
    """Sets and mappings sorted (their order follows the hash seed), dataclasses by field."""
    import dataclasses
    import subprocess
    import sys

    from makebook.cache import describe

    @dataclasses.dataclass(frozen=True)
    class Value:
        words: frozenset[str]
        table: dict[str, tuple[int, ...]]

    value = Value(frozenset({'b', 'a', 'c'}), {'y': (2,), 'x': (1, 3)})
    assert describe(value).endswith(".Value(words={'a', 'b', 'c'}, table={'x': (1, 3), 'y': (2)})")
    code = 'from makebook.cache import describe; print(describe({frozenset("abcdefgh"): set("xyz")}))'
    seen = {subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                           env={'PYTHONHASHSEED': seed}).stdout for seed in ('1', '2', '3')}
    assert len(seen) == 1
