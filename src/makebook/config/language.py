"""Language tags (BCP 47) and the direction a language is written in."""

from __future__ import annotations

import re

# RFC 5646 (without the reserved 4- to 8-letter language subtags, so "english" is refused):
# language (with extended subtags), script, region, variants, extensions, private use.
_LANGUAGE_TAG = re.compile(r'''
    [A-Za-z]{2,3} (?:-[A-Za-z]{3}){0,3}
    (?: -[A-Za-z]{4} )?
    (?: -(?:[A-Za-z]{2}|[0-9]{3}) )?
    (?: -(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}) )*
    (?: -[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+ )*
    (?: -[xX](?:-[A-Za-z0-9]{1,8})+ )?
  | [xX](?:-[A-Za-z0-9]{1,8})+
''', re.VERBOSE)
# Languages (and scripts) written right to left: Arabic, Hebrew, Persian, Urdu...
_RTL_LANGUAGES = {'ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ji', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi'}
_RTL_SCRIPTS = {'arab', 'hebr', 'syrc', 'thaa', 'nkoo', 'adlm', 'rohg'}


def is_language_tag(value: str) -> bool:
    """True for a well-formed language tag such as en, en-GB, fr-CA, zh-Hant-TW."""
    return _LANGUAGE_TAG.fullmatch(value) is not None


def direction_of(language: str) -> str:
    """'rtl' for a language or script written right to left, else 'ltr'."""
    parts = language.lower().split('-')
    if parts[0] in _RTL_LANGUAGES or any(p in _RTL_SCRIPTS for p in parts[1:]):
        return 'rtl'
    return 'ltr'


def source_language(tag: str, book_language: str) -> str | None:
    """The name of the language a book was translated from, as the book's language writes it
    in "Translated from the {language} by" (config/labels.py): 'Swedish'; French 'du suédois',
    'de l’anglais'; German 'Schwedischen'; Italian 'dallo svedese', 'dall’inglese'. The names are
    CLDR's (Babel). None when CLDR does not name it.
    """
    from babel import Locale, UnknownLocaleError

    try:
        book = Locale.parse(book_language.replace('-', '_'))
        found = book.languages.get(Locale.parse(tag.replace('-', '_')).language)
    except (ValueError, UnknownLocaleError):
        return None
    if not found:
        return None
    name, primary = str(found), str(book.language)
    if primary == 'fr':
        return ('de l’' if name[0] in _VOWELS else 'du ') + name
    if primary == 'it':
        if name[0] in _VOWELS:
            return 'dall’' + name
        impure = name[0] in 'zxy' or name[:2] in ('gn', 'ps', 'pn') \
            or (name[0] == 's' and name[1:2] not in _VOWELS)  # lo svedese, lo spagnolo
        return ('dallo ' if impure else 'dal ') + name
    if primary == 'de':
        return name + 'en'  # aus dem Schwedischen, Englischen
    if primary == 'ru' and name.endswith(('ий', 'ый', 'ой')):
        # перевод с английского; со before с, з, ш, ж and a consonant (со шведского)
        cluster = name[:1] in 'сзшжщ' and name[1:2] not in 'аеёиоуыэюя'
        return ('со ' if cluster else 'с ') + name[:-2] + 'ого'
    return name


_VOWELS = frozenset('aeiouhàâéèêëîïôöùûüAEIOUH')
