"""The CJK face: the region chosen by language, and the static CFF face made for a book."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from makebook.theme import cjk


@pytest.mark.parametrize(('tags', 'expected'), [
    (['zh'], 'SC'), (['zh-CN'], 'SC'), (['zh-Hans'], 'SC'), (['zh-SG'], 'SC'), (['zh-Hans-HK'], 'HK'),
    (['zh-TW'], 'TC'), (['zh-Hant'], 'TC'), (['zh-Hant-TW'], 'TC'), (['zh_TW'], 'TC'),
    (['zh-HK'], 'HK'), (['zh-MO'], 'HK'), (['zh-Hant-HK'], 'HK'), (['yue'], 'HK'),
    (['ja'], 'JP'), (['ja-JP'], 'JP'), (['ko'], 'KR'), (['ko-KR'], 'KR'),
    ([], 'JP'), (['en'], 'JP'),  # nothing to tell: Japanese shapes, the usual default of CJK fonts
    (['en', 'ko'], 'KR'), (['zh-TW', 'ja'], 'TC'),  # the first CJK language decides
])
def test_the_region_follows_the_language(tags: list[str], expected: str) -> None:
    assert cjk.region(tags) == expected


@pytest.mark.parametrize(('text', 'expected'), [
    ('灯塔的光', 'SC'),  # ideographs alone: Chinese (Japanese always has kana)
    ('灯台の光', 'JP'), ('カタカナ', 'JP'), ('등대의 빛', 'KR'), ('日本語の本、한국어', 'JP'), ('', 'JP'),
])
def test_a_book_that_names_no_cjk_language_is_read_by_its_characters(text: str, expected: str) -> None:
    assert cjk.region(['en'], text) == expected
    assert cjk.region(['ko'], text) == 'KR'  # a language given wins


def test_cjk_characters_are_in_its_blocks_and_latin_is_not() -> None:
    assert all(cjk.in_blocks(c) for c in '書かカ한，。「」（）ａ')
    assert not any(cjk.in_blocks(c) for c in 'aé→λ“')


def test_the_face_made_for_a_book_is_static_cff_with_only_its_characters() -> None:
    path = cjk.collection()
    assert path is not None, 'manimgx-fonts-cjk is a dependency'
    font = TTFont(io.BytesIO(cjk.make(path, 'TC', 400, [ord(c) for c in '說骨。'])))
    assert 'CFF ' in font and 'CFF2' not in font and 'fvar' not in font  # PDF embeds CFF, not CFF2
    assert set(font.getBestCmap()) == {ord(c) for c in '說骨。'}
    assert font['name'].getDebugName(1) == 'Noto Sans CJK TC'
    assert font['name'].getDebugName(6) == 'NotoSansCJKtc-Regular'
    assert font['OS/2'].usWeightClass == 400


def test_the_cache_folder_keeps_the_newest_and_every_file_used_lately(tmp_path, monkeypatch) -> None:
    import os
    import time

    monkeypatch.setenv('MAKEBOOK_FACES', str(tmp_path))
    now = time.time()
    for number in range(20):  # ten used lately, ten three days ago
        path = tmp_path / f'NotoSansCJKsc-400-{number:02d}.otf'
        path.write_bytes(b'')
        age = number * 60 if number < 10 else 3 * 24 * 3600 + number
        os.utime(path, (now - age, now - age))
    cjk._sweep(tmp_path)
    kept = sorted(p.name[-6:-4] for p in tmp_path.iterdir())
    assert kept == [f'{n:02d}' for n in range(12)]  # the 12 newest; the old ones beyond them gone
    made = cjk.made_face('KR', 400, set('한'))
    assert made.parent == tmp_path and made == cjk.made_face('KR', 400, set('한'))  # made once


def test_a_made_face_has_the_spaces_pango_asks_it_for(tmp_path, monkeypatch) -> None:
    from fontTools.ttLib import TTFont as Font

    monkeypatch.setenv('MAKEBOOK_FACES', str(tmp_path))
    with Font(str(cjk.made_face('SC', 400, set('和')))) as font:
        assert {0x20, 0xA0, 0x3000, ord('和')} <= set(font.getBestCmap())
