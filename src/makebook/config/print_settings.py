"""Settings of the print edition: read from the metadata, overridden from the command line.

They live apart from :mod:`makebook.config.metadata` so that the print-only keys
stay in one place; ``build_metadata`` calls :func:`read_print_settings`, merges
the command line's :class:`~makebook.model.PrintOverrides` over them, and keeps
the result on ``Metadata.print_settings``. This module is light (the command
line imports it for the choices it offers).

Keys (all optional)::

    notes: footnotes            # or chapter-endnotes, book-endnotes
    chapter-label: Chapter {n}  # false for none; {n} is the chapter number
    dedication: For M.
    epigraph: "Text of the epigraph."
    epigraph-source: Someone
    half-title: true
    first-line-small-caps: true
    keywords: [a, b]            # PDF keywords, after the subjects
    pdf-variant: pdf/ua-1       # pdf/a-3b, pdf/x-4, pdf/x-1a, or none (untagged)
    print-ready: false          # bleed, crop marks and PDF/X for the print shop
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from makebook import codes
from makebook.codes import Code
from makebook.model import DEFAULT_VARIANT, NOTE_MODES, PDF_VARIANTS, PrintOverrides, PrintSettings


class Complain(Protocol):
    """Where a problem with a metadata key goes (config/metadata.py knows its file and line)."""

    def __call__(self, key: str, message: str, code: Code = ...) -> None: ...


def check_notes(value: str) -> str:
    """The note mode ``value`` names; raises ValueError with the choices."""
    mode = value.strip().lower()
    if mode not in NOTE_MODES:
        raise ValueError(f"unknown note placement '{value}'; choose from {', '.join(NOTE_MODES)}")
    return mode


def check_variant(value: str) -> str:
    """The PDF variant ``value`` names; raises ValueError with the choices."""
    variant = value.strip().lower()
    if variant not in (*PDF_VARIANTS, DEFAULT_VARIANT, 'none'):
        raise ValueError(f"unknown PDF variant '{value}'; choose from "
                         f"{', '.join(PDF_VARIANTS)}, {DEFAULT_VARIANT} or none")
    return variant


def read_print_settings(data: Mapping[str, Any], complain: Complain,
                        overrides: PrintOverrides | None = None) -> PrintSettings:
    """The print settings in a metadata mapping, with the command line's ``overrides`` over them;
    problems go to ``complain(key, message, code)``."""
    values: dict[str, Any] = {}
    for key, name, check in (('notes', 'notes', check_notes),
                             ('pdf-variant', 'pdf_variant', check_variant)):
        if key in data:
            try:
                values[name] = check(str(data[key]))
            except ValueError as exc:
                complain(key, str(exc), codes.NOT_A_CHOICE)
    if 'chapter-label' in data:
        label = data['chapter-label']
        if label is False or label is None or label == '':
            values['chapter_label'] = None
        elif isinstance(label, str):
            values['chapter_label'] = ' '.join(label.split())
        else:
            complain('chapter-label', "expected text such as 'Chapter {n}', or false")
    for key in ('dedication', 'epigraph', 'epigraph-source'):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            values[key.replace('-', '_')] = ' '.join(value.split())
        elif value is not None:
            complain(key, 'expected text')
    for key, name in (('half-title', 'half_title'), ('first-line-small-caps', 'small_caps'),
                      ('print-ready', 'print_ready')):
        if key in data:
            if isinstance(data[key], bool):
                values[name] = data[key]
            else:
                complain(key, 'expected true or false')
    keywords = data.get('keywords')
    if keywords is not None:
        items = keywords if isinstance(keywords, list) else [keywords]
        if all(isinstance(item, str) for item in items):
            values['keywords'] = tuple(' '.join(item.split()) for item in items if item.strip())
        else:
            complain('keywords', 'expected text or a list of text')
    return with_overrides(PrintSettings(**values), overrides)


def with_overrides(settings: PrintSettings, overrides: PrintOverrides | None) -> PrintSettings:
    """``settings`` with the command line's choices (those it makes) applied."""
    if overrides is None:
        return settings
    chosen = {name: getattr(overrides, name) for name in ('notes', 'pdf_variant', 'print_ready')}
    return replace(settings, **{name: value for name, value in chosen.items() if value is not None})
