"""Characters XML cannot hold, and an XML parser that loads nothing.

XML 1.0 allows only tab, the two newlines and the ranges below: no NUL, no
other C0 controls, no lone surrogates, no U+FFFE or U+FFFF. A manuscript may
hold any of them (pasted text, a binary file renamed); they never reach an
output: text is cleaned, metadata holding one is an error.
"""

from __future__ import annotations

import re

from lxml import etree

XML_ILLEGAL = re.compile('[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')


def illegal_character(text: str) -> str | None:
    """A description of the first character XML cannot hold ('U+0000'), or None."""
    match = XML_ILLEGAL.search(text)
    return None if match is None else f'U+{ord(match.group()):04X}'


def xml_text(text: str | None) -> str | None:
    """``text`` without the characters XML cannot hold."""
    return None if text is None else XML_ILLEGAL.sub('', text)


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that loads no DTD, expands no entity and touches no network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, dtd_validation=False, remove_pis=True)
