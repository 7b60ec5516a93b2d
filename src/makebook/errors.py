"""Everything the library reports to a user, as values and exceptions.

The library never prints: it raises :class:`MakeBookError` (or a subclass)
carrying :class:`Diagnostic` values, and the CLI turns them into lines on
stderr and an exit code. Every diagnostic and every error has a stable code
(``MB…``) from :mod:`makebook.codes`, where its severity and a one-line hint
live.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = 'error'
    WARNING = 'warning'


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the book, tied to a file and line where known."""

    code: str  # 'MB301': stable, documented in README with a hint (codes.py)
    message: str
    path: Path | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        location = ''
        if self.path is not None:
            location = str(self.path)
            if self.line is not None:
                location += f':{self.line}'
            location += ': '
        message = self.message if len(self.message) <= 2000 else self.message[:2000] + '…'
        return f'{location}{self.code} {self.severity.value}: {message}'


class MakeBookError(Exception):
    """A failure the user can fix; reported without a traceback.

    ``code`` names the failure when the exception is the problem itself; an
    exception that sums up ``diagnostics`` (each with its own code) has none.
    """

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = (),
                 code: str | None = None) -> None:
        super().__init__(message)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.code = code
        self.layout = ''  # the layout the manuscript was read by (build.py), for the author

    def __reduce__(self) -> tuple[object, ...]:  # crosses the PDF child's pipe intact
        return (type(self), (str(self), self.diagnostics, self.code))


class BookError(MakeBookError):
    """The manuscript or its metadata has problems (all of them are listed)."""

    exit_code = 1


class UsageError(MakeBookError):
    """The command was asked for something it cannot do (a folder that is not empty...)."""

    exit_code = 2


class MissingDependency(MakeBookError):
    """A system library or tool the requested output needs is not installed."""

    exit_code = 3


class OutputError(MakeBookError):
    """An output could not be written (permissions, a bad output folder...)."""

    exit_code = 4


def unique(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """The diagnostics in their order, each said once: the same problem at the same place
    (a removed attribute on a line that several passes read) is one line for the author."""
    return tuple(dict.fromkeys(diagnostics))


def errors_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def fail_on_errors(diagnostics: Iterable[Diagnostic], what: str) -> None:
    """Raise :class:`BookError` listing every error in ``diagnostics``, if any."""
    errors = errors_in(diagnostics)
    if errors:
        noun = 'problem' if len(errors) == 1 else 'problems'
        raise BookError(f'{what}: {len(errors)} {noun} found', errors)


def clip(value: object, limit: int = 80) -> str:
    """``value`` for a message, never longer than ``limit`` characters (nor costly to make:
    a huge number is not turned into its digits)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f'a number of about {value.bit_length() * 3 // 10:,} digits'
    if isinstance(value, str | int | float | bool) or value is None:
        text = str(value)[:limit * 4 + 16]  # what is cut never costs anything
    else:
        text = type(value).__name__
    text = ' '.join(text.split())
    if not text.isprintable():  # a NUL or an escape sequence would reach the terminal as is
        text = ''.join(c if c.isprintable() else f'\\x{ord(c):02x}' if ord(c) < 256 else f'\\u{ord(c):04x}'
                       for c in text)
    return text if len(text) <= limit else text[:limit] + '…'
