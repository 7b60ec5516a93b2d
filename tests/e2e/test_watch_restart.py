"""A save while the watch loop builds restarts what the save changed, not the whole book: a save
during the PDF's layout calls the layout off, keeps the web edition and EPUB already written (their
unchanged files are the very files on disk), and the new build makes again only the edited
chapter's page and document before laying out the PDF with the new text."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from makebook import web
from makebook.commands.loop import Builder, Event
from makebook.epub import package
from makebook.model import BuildOptions
from tests.tools import child_processes

pytestmark = pytest.mark.slow

META = '---\ntitle: Restarted\nauthor: A\nlang: en\n---\n'
CHAPTERS = {f'0{n}.md': f'# Chapter {name}\n\nThe text of chapter {name}.\n'
            for n, name in enumerate(('One', 'Two', 'Three', 'Four'), start=1)}


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads /proc')
def test_a_save_during_the_pdf_keeps_what_is_done_and_remakes_only_what_changed(
        write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, 'LONG_BOOK_WORDS', 0)  # a page per chapter, as a long book has
    made: list[str] = []
    real_page, real_document = web._chapter_page, package.chapter_document
    monkeypatch.setattr(web, '_chapter_page', lambda book, chapter, *a: made.append(f'page {chapter.title}')
                        or real_page(book, chapter, *a))
    monkeypatch.setattr(package, 'chapter_document', lambda book, chapter, *a: made.append(
        f'document {chapter.title}') or real_document(book, chapter, *a))
    folder = write_book({**CHAPTERS, '01.md': META + CHAPTERS['01.md']})
    out = tmp_path / 'out'
    html = out / 'html'
    events: list[Event] = []
    before: dict[str, int] = {}
    saved = threading.Event()
    mark: list[int] = []  # where the events after the save begin

    def save_during_the_layout() -> None:
        deadline = time.monotonic() + 120
        while not child_processes(os.getpid()) and time.monotonic() < deadline:  # the PDF's layout has begun
            time.sleep(0.01)
        before.update({page.name: page.stat().st_ino for page in html.glob('*.html')})
        made.clear()
        mark.append(len(events))
        (folder / '03.md').write_text(CHAPTERS['03.md'] + '\nSaved during the layout.\n', encoding='utf-8')
        saved.set()
        builder.request(['03.md'])  # what the watcher says after the save

    def listener(event: Event) -> None:
        events.append(event)
        if event.kind == 'output' and event.output is not None and event.output.format == 'epub' \
                and not before and not saved.is_set():
            threading.Thread(target=save_during_the_layout, daemon=True).start()

    builder = Builder(BuildOptions(folder, out), [listener])
    builder.start()
    try:
        deadline = time.monotonic() + 600
        while not (saved.is_set() and any(e.kind in ('built', 'failed') for e in events[mark[0]:])):
            assert time.monotonic() < deadline, events
            time.sleep(0.1)
    finally:
        builder.stop()
    kinds = [e.kind for e in events]
    assert 'failed' not in kinds, [e.error for e in events if e.error]
    assert kinds.count('cancelled') == 1, kinds  # the layout of the old text, called off
    cancelled = kinds.index('cancelled')
    assert [e.output.format for e in events[:cancelled] if e.output] == ['html', 'epub']
    assert [e.output.format for e in events[cancelled:] if e.output] == ['html', 'epub', 'pdf']
    # Made again: the edited chapter's page and EPUB document, nothing else of the web or EPUB.
    assert sorted(made) == ['document Chapter Three', 'page Chapter Three'], made
    # The web edition already written was kept: its unchanged pages are the very same files.
    after = {page.name: page.stat().st_ino for page in html.glob('*.html')}
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert changed == ['chapter-003.html'], (before, after)
    assert 'Saved during the layout.' in (html / 'chapter-003.html').read_text(encoding='utf-8')
    text = ''.join(page.extract_text() for page in PdfReader(next(out.glob('*.pdf'))).pages)
    assert 'Saved during the layout.' in text

