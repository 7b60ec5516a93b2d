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
