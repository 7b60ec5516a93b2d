"""Settings of the print edition: read from the metadata, overridden from the command line.

They live apart from :mod:`makebook.config` so that the print-only keys stay in
one place; ``config.build_metadata`` calls :func:`read_print_settings` and keeps
the result on ``Metadata.print_settings``.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

NOTE_MODES = ('footnotes', 'chapter-endnotes', 'book-endnotes')
# The variants offered; WeasyPrint supports more, these are the ones tested here.
PDF_VARIANTS = ('pdf/ua-1', 'pdf/a-3b', 'pdf/x-4', 'pdf/x-1a')
# The default PDF is tagged (structure tree, /Lang, alt text): see pdf.py.
DEFAULT_VARIANT = 'tagged'
PRINT_READY_VARIANT = 'pdf/x-4'


@dataclass(frozen=True, slots=True)
class PrintSettings:
    notes: str = 'footnotes'
    chapter_label: str | None = 'Chapter {n}'
    dedication: str | None = None
    epigraph: str | None = None
    epigraph_source: str | None = None
    half_title: bool = True
    small_caps: bool = True
    keywords: tuple[str, ...] = ()
    pdf_variant: str = DEFAULT_VARIANT  # 'tagged', 'none' or one of PDF_VARIANTS
    print_ready: bool = False

    def label_for(self, number: int) -> str | None:
        return self.chapter_label.replace('{n}', str(number)) if self.chapter_label else None

    @property
    def variant(self) -> str | None:
        """The WeasyPrint ``pdf_variant`` (None for a plain PDF, tagged or not)."""
        if self.print_ready and self.pdf_variant in (DEFAULT_VARIANT, 'none'):
            return PRINT_READY_VARIANT
        return self.pdf_variant if self.pdf_variant in PDF_VARIANTS else None

    @property
    def tagged(self) -> bool:
        return self.pdf_variant != 'none'


Complain = Callable[[str, str], None]


def check_notes(value: str) -> str:
    """The note mode ``value`` names; raises ValueError with the choices."""
    mode = value.strip().lower()
    if mode not in NOTE_MODES:
        raise ValueError(f"unknown note placement '{value}'; choose from {', '.join(NOTE_MODES)}")
    return mode


def check_variant(value: str) -> str:
    variant = value.strip().lower()
    if variant not in (*PDF_VARIANTS, DEFAULT_VARIANT, 'none'):
        raise ValueError(f"unknown PDF variant '{value}'; choose from "
                         f"{', '.join(PDF_VARIANTS)}, {DEFAULT_VARIANT} or none")
    return variant


def read_print_settings(data: Mapping[str, Any], complain: Complain) -> PrintSettings:
    """The print settings in a metadata mapping; problems go to ``complain(key, message)``."""
    values: dict[str, Any] = {}
    for key, name, check in (('notes', 'notes', check_notes),
                             ('pdf-variant', 'pdf_variant', check_variant)):
        if key in data:
            try:
                values[name] = check(str(data[key]))
            except ValueError as exc:
                complain(key, str(exc))
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
    return PrintSettings(**values)


def with_overrides(settings: PrintSettings, overrides: Mapping[str, Any]) -> PrintSettings:
    """``settings`` with the command line's choices (keys are field names) applied."""
    known = {f.name for f in fields(PrintSettings)}
    return replace(settings, **{k: v for k, v in overrides.items() if k in known and v is not None})
