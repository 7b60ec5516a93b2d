"""The per-file render cache (namespace render/convert): reused while a file is unchanged, the same
book either way, and harmless when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from makebook import build as build_module
from makebook.cache import FOLDER, Cache
from makebook.model import BuildOptions
from makebook.render import render_book
from makebook.render.convert import CACHE_NAMESPACE
from makebook.source import read_manuscript

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'
FILES = {
    '01.md': META + '# One\n\nA call.[^a] And $x^2$ math.\n\n[^a]: The note.\n\n<p>raw <b>bold</b></p>\n',
    '02.md': '# Two\n\nSee [one](01.md). ![](missing-alt.png){width=50%}\n\n```python\nx = 1\n```\n',
    '03.md': '# Three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n***\n\n> quoted[^a]\n\n[^a]: Same label.\n',
}


def entries(folder: Path) -> list[Path]:
    return sorted((folder / CACHE_NAMESPACE).rglob('*.json'))


def same_book(a, b) -> bool:
    return (a.chapters == b.chapters and a.assets == b.assets and a.diagnostics == b.diagnostics)


def test_a_warm_cache_gives_the_book_a_cold_one_gives(write_book, tmp_path: Path) -> None:
    manuscript = read_manuscript(write_book(FILES))
    uncached = render_book(manuscript)
    cold = Cache.in_output_folder(tmp_path)
    first = render_book(manuscript, cache=cold)
    assert (cold.hits, cold.misses) == (0, 3) and len(entries(cold.folder)) == 3
    warm = Cache.in_output_folder(tmp_path)
    second = render_book(manuscript, cache=warm)
    assert (warm.hits, warm.misses) == (3, 0)
    assert same_book(uncached, first) and same_book(first, second)
    assert {d.code for d in second.diagnostics} >= {'MB304'}  # the problems come back too


def test_one_edited_file_is_converted_again_alone(write_book, tmp_path: Path) -> None:
    folder = write_book(FILES)
    render_book(read_manuscript(folder), cache=Cache.in_output_folder(tmp_path))
    (folder / '02.md').write_text('# Two\n\nEdited.\n', encoding='utf-8')
    warm = Cache.in_output_folder(tmp_path)
    book = render_book(read_manuscript(folder), cache=warm)
    assert (warm.hits, warm.misses) == (2, 1)
    assert 'Edited.' in book.chapters[1].body


@pytest.mark.parametrize('damage', [
    lambda entry: {**entry, 'value': {**entry['value'], 'body': '<p>not a body</p>'}},
    lambda entry: {**entry, 'value': {**entry['value'], 'body': '<body xmlns="http://www.w3.org/1999/xhtml">'}},
    lambda entry: {**entry, 'value': {**entry['value'], 'problems': [['MB999', 'no such code', None, 1]]}},
    lambda entry: {**entry, 'value': {'body': 3}},
])
def test_an_entry_that_is_not_a_conversion_is_made_again(write_book, tmp_path: Path, damage) -> None:
    """Entries whose checksum holds but whose content is not ours (a foreign or older cache)."""
    import hashlib

    manuscript = read_manuscript(write_book({'01.md': FILES['01.md']}))
    expected = render_book(manuscript)
    render_book(manuscript, cache=Cache.in_output_folder(tmp_path))
    [path] = entries(tmp_path / FOLDER)
    entry = damage(json.loads(path.read_text()))
    content = json.dumps(entry['value'], sort_keys=True, separators=(',', ':'))
    entry['sha256'] = hashlib.sha256(content.encode()).hexdigest()
    path.write_text(json.dumps(entry))
    again = Cache.in_output_folder(tmp_path)
    assert same_book(render_book(manuscript, cache=again), expected)
    assert json.loads(path.read_text())['value'] != entry['value']  # replaced by a good one


def test_a_first_build_keeps_its_cache_and_a_failed_one_makes_no_folder(write_book, tmp_path: Path) -> None:
    folder = write_book({'01.md': META + '# One\n\n![broken](nowhere.png)\n'})
    with pytest.raises(build_module.BookError):
        build_module.build(BuildOptions(folder, tmp_path / 'out', formats=('epub',)))
    assert not (tmp_path / 'out').exists()  # not even for the cache
    (folder / '01.md').write_text(META + '# One\n\nFixed.\n', encoding='utf-8')
    build_module.build(BuildOptions(folder, tmp_path / 'out', formats=('epub',)))
    assert len(entries(tmp_path / 'out' / FOLDER)) == 1


def test_the_cache_keeps_one_books_worth(write_book, tmp_path: Path) -> None:
    folder = write_book({**FILES, '02.md': '# Two\n\nSee [one](01.md).\n'})
    out = tmp_path / 'out'
    build_module.build(BuildOptions(folder, out, formats=('epub',)))
    for round_ in range(3):
        (folder / '03.md').write_text(f'# Three\n\nVersion {round_}.\n', encoding='utf-8')
        build_module.build(BuildOptions(folder, out, formats=('epub',)))
    assert len(entries(out / FOLDER)) == 3  # the old versions of 03.md are swept


def test_files_converted_in_worker_processes_make_the_same_book(write_book, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from makebook.render import convert

    manuscript = read_manuscript(write_book(FILES))
    alone = render_book(manuscript)
    monkeypatch.setattr(convert, 'PARALLEL_CHARACTERS', 0)  # a large book's path, on a small one
    spawned = []
    real_pool = convert.concurrent.futures.ProcessPoolExecutor
    monkeypatch.setattr(convert.concurrent.futures, 'ProcessPoolExecutor',
                        lambda *a, **k: spawned.append(a) or real_pool(*a, **k))
    cache = Cache.in_output_folder(tmp_path)
    assert same_book(render_book(manuscript, cache=cache, workers=2), alone)
    assert spawned and cache.misses == 3
    assert same_book(render_book(manuscript, cache=Cache.in_output_folder(tmp_path), workers=2), alone)


FRENCH = {
    '01.md': '---\ntitle: T\nauthor: A\nlang: fr\n---\n# « Qui a peur ? »\n\n'
             'Il dit "oui" ; puis[^n] "non".\n\n[^n]: Une note "citée" !\n',
    '02.md': '# Deux\n\nVoir [le début](01.md#qui-a-peur-). Code `"tel quel"` !\n',
}


def test_a_file_in_the_cache_is_not_set_again(write_book, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The language's typography is part of the cached conversion: a warm build sets only the
    chapter headings it titles (a cheap pass), never a file's text again, and gives the same book."""
    from makebook.render import convert

    manuscript = read_manuscript(write_book(FRENCH))
    cold = render_book(manuscript, cache=Cache.in_output_folder(tmp_path))
    set_again: list[str] = []
    real = convert.typeset_tree
    def counted(root, *args):
        set_again.append(root.tag)
        return real(root, *args)
    monkeypatch.setattr(convert, 'typeset_tree', counted)
    monkeypatch.setattr('makebook.render.typeset_tree', counted, raising=False)  # where it once was
    warm = render_book(manuscript, cache=Cache.in_output_folder(tmp_path))
    assert set_again == [] and same_book(cold, warm)
    assert warm.diagnostics == ()  # the link written for the typed heading resolves
    body = warm.chapters[0].body
    assert '«\u202fQui a peur\u202f?\u202f»' in warm.chapters[0].title and '«\u202foui\u202f»\u202f;' in body
    assert 'Une note «\u202fcitée\u202f»\u202f!' in body and '"tel quel"' in warm.chapters[1].body


def test_a_book_in_another_language_is_set_again(write_book, tmp_path: Path) -> None:
    folder = write_book(FRENCH)
    render_book(read_manuscript(folder), cache=Cache.in_output_folder(tmp_path))
    (folder / '01.md').write_text(FRENCH['01.md'].replace('lang: fr', 'lang: en'), encoding='utf-8')
    again = Cache.in_output_folder(tmp_path)
    book = render_book(read_manuscript(folder), cache=again)
    assert again.misses == 2 and again.hits == 0  # the book's language is in every file's key
    assert '\u201coui\u201d' in book.chapters[0].body and '\u202f' not in book.chapters[0].body
