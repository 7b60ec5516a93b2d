"""The labels module: a table per language, one lookup, the metadata's overrides checked."""

from __future__ import annotations

import datetime as dt

import pytest

from makebook.config import labels as labels_module
from makebook.config.labels import KEYS, TABLES, labels_for, placeholders
from makebook.config.metadata import build_metadata

MODIFIED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
LANGUAGES = ('en', 'fr', 'de', 'es', 'it', 'pt', 'pt-br', 'nl', 'he', 'ar', 'ru')


@pytest.mark.parametrize('language', LANGUAGES)
def test_every_language_has_every_label_with_the_english_placeholders(language: str) -> None:
    table = TABLES[language]
    assert set(table) == set(KEYS)
    for key in KEYS:
        assert placeholders(table[key]) == placeholders(TABLES['en'][key]), (language, key)
        assert table[key].strip() == table[key] and '  ' not in table[key], (language, key)


@pytest.mark.parametrize(('tag', 'contents', 'chapter'), [
    ('en-GB', 'Contents', 'Chapter 3'),
    ('fr', 'Table des matières', 'Chapitre 3'),
    ('fr-CA', 'Table des matières', 'Chapitre 3'),
    ('de-AT', 'Inhalt', 'Kapitel 3'),
    ('es-MX', 'Índice', 'Capítulo 3'),
    ('it', 'Indice', 'Capitolo 3'),
    ('pt-PT', 'Índice', 'Capítulo 3'),
    ('pt-BR', 'Sumário', 'Capítulo 3'),
    ('nl-BE', 'Inhoud', 'Hoofdstuk 3'),
    ('he', 'תוכן העניינים', 'פרק 3'),
    ('ar-EG', 'المحتويات', 'الفصل 3'),
    ('ru-RU', 'Содержание', 'Глава 3'),
])
def test_a_language_tag_reads_its_language_s_table(tag: str, contents: str, chapter: str) -> None:
    labels = labels_for(tag)
    assert (labels('contents'), labels('chapter', n=3)) == (contents, chapter)
    assert labels.lang_of('contents') == tag  # in the book's own language: nothing to mark


@pytest.mark.parametrize(('tag', 'contents', 'chapter', 'figure', 'names'), [
    ('ja', '目次', '第3章', '図3', 'A、B、C'),
    ('zh', '目录', '第3章', '图3', 'A、B和C'),
    ('zh-Hans-CN', '目录', '第3章', '图3', 'A、B和C'),
    ('zh-TW', '目錄', '第3章', '圖3', 'A、B和C'),
    ('zh-Hant-HK', '目錄', '第3章', '圖3', 'A、B和C'),
    ('ko-KR', '차례', '제3장', '그림 3', 'A, B 및 C'),
])
def test_chinese_japanese_and_korean_have_the_words_of_the_text(tag: str, contents: str, chapter: str,
                                                                 figure: str, names: str) -> None:
    """Their tables hold the words the text prints; the others are English, marked so."""
    labels = labels_for(tag)
    assert labels('contents') == contents
    assert (labels('chapter', n=3), labels('figure-ref', n=3)) == (chapter, figure)
    assert labels.join(['A', 'B', 'C']) == names
    assert labels.lang_of('contents') == tag and labels.lang_of('landmarks') == 'en'
    table = TABLES[labels_module.table_language(tag) or '']
    for key, words in table.items():
        assert placeholders(words) == placeholders(TABLES['en'][key]), (tag, key)


def test_a_language_without_a_table_gets_english_marked_as_english() -> None:
    labels = labels_for('sv')
    assert labels('contents') == 'Contents'
    assert labels.lang_of('contents') == 'en'


def test_a_key_missing_from_a_table_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 may add a word in English first: the other languages show it, marked English."""
    monkeypatch.setitem(labels_module._EN, 'reprinted', 'Reprinted in {year}')
    monkeypatch.setattr(labels_module, 'KEYS', (*KEYS, 'reprinted'))
    labels = labels_for('fr')
    assert labels('reprinted', year=2026) == 'Reprinted in 2026'
    assert (labels.lang_of('reprinted'), labels.lang_of('contents')) == ('en', 'fr')


@pytest.mark.parametrize(('language', 'names', 'line'), [
    ('en', ['A', 'B', 'C'], 'A, B, and C'),
    ('fr', ['Anne', 'Bo', 'Cy'], 'Anne, Bo et Cy'),
    ('de', ['A', 'B'], 'A und B'),
    ('es', ['Juan', 'Isabel'], 'Juan e Isabel'),  # "e" before an /i/ sound (ICU)
    ('es', ['Juan', 'Hilda'], 'Juan e Hilda'),
    ('es', ['Juan', 'Hierro'], 'Juan y Hierro'),  # /je/: "y"
    ('es', ['Ana', 'Juan', 'Isabel'], 'Ana, Juan e Isabel'),
    ('he', ['רחל', 'דוד'], 'רחל ודוד'),  # "and" is a prefix
    ('he', ['רחל', 'John'], 'רחל ו-John'),  # with a hyphen before a name not in Hebrew (ICU)
    ('ar', ['أحمد', 'سارة', 'ليلى'], 'أحمد وسارة وليلى'),  # CLDR: و between every name
    ('ru', ['Анна', 'Борис', 'Вера'], 'Анна, Борис и Вера'),
    ('en', ['Solo'], 'Solo'),
    ('en', [], ''),
])
def test_names_are_joined_as_the_language_lists_them(language: str, names: list[str], line: str) -> None:
    assert labels_for(language).join(names) == line


def test_the_metadata_overrides_labels_and_the_chapter_label_follows_the_language() -> None:
    meta, problems = build_metadata({'title': 'T', 'author': 'A', 'lang': 'fr',
                                     'labels': {'contents': 'Sommaire'}}, {}, None, MODIFIED)
    assert problems == []
    assert meta is not None
    assert meta.labels('contents') == 'Sommaire'
    assert meta.labels.lang_of('contents') == 'fr'
    assert meta.print_settings.label_for(2) == 'Chapitre 2'
    assert meta.author_line == 'A'
    # chapter-label still wins, and false still means none.
    meta, _ = build_metadata({'title': 'T', 'lang': 'fr', 'chapter-label': False}, {}, None, MODIFIED)
    assert meta is not None and meta.print_settings.label_for(2) is None


def test_a_mistyped_label_is_a_warning_with_a_suggestion_and_a_broken_one_an_error() -> None:
    meta, problems = build_metadata(
        {'title': 'T', 'author': 'A', 'lang': 'fr',
         'labels': {'contets': 'Sommaire', 'chapter': 'Chapitre', 'notes': 'Notes {x}', 'cover': 3}},
        {'labels': 7}, None, MODIFIED)
    assert meta is None  # the broken chapter label is an error
    by_code = {(p.code, p.line): p.message for p in problems}
    assert "did you mean 'contents'?" in by_code[('MB120', 7)]
    errors = [p.message for p in problems if p.code == 'MB121']
    assert any("'chapter'" in m and 'keep {n}' in m for m in errors)
    assert any("'notes'" in m for m in errors)
    assert any("'cover': expected text" in p.message for p in problems if p.code == 'MB101')


def test_labels_that_are_not_a_mapping_are_refused() -> None:
    _, problems = build_metadata({'title': 'T', 'author': 'A', 'lang': 'en', 'labels': ['contents']}, {},
                                 None, MODIFIED)
    assert [p.code for p in problems] == ['MB101']


@pytest.mark.parametrize(('tag', 'line'), [
    ('en', 'Перевод с английского: Анна Петрова'),
    ('sv', 'Перевод со шведского: Анна Петрова'),
])
def test_a_russian_book_says_from_which_language_it_was_translated(tag: str, line: str) -> None:
    from makebook.config.language import source_language
    labels = labels_for('ru')
    assert labels('translated-from', language=source_language(tag, 'ru'), name='Анна Петрова') == line


def test_a_list_inside_a_label_printed_in_english_is_listed_in_english() -> None:
    """A Chinese book's copyright page says 'Set in A, B, and C, used under...' (the sentence
    falls back to English), not 'Set in A、B和C'; its own lists are Chinese."""
    labels = labels_for('zh-CN')
    assert 'set-in' in labels.english
    assert labels.join(['A', 'B', 'C'], 'set-in') == 'A, B, and C'
    assert labels.join(['A', 'B', 'C'], 'contents') == labels.join(['A', 'B', 'C']) == 'A、B和C'
    assert labels_for('fr').join(['A', 'B', 'C'], 'set-in') == 'A, B et C'  # French has the sentence
