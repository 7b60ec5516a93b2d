"""The watch loop's builder: a save builds again, and calls off the build under way, only when it
changed what the build reads; a file saved as it was (an editor saving twice, a touch) does nothing."""

from __future__ import annotations

import threading
from pathlib import Path

from makebook.commands.loop import Builder, Event
from makebook.model import BuildOptions

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


class Built:
    """The builder's events, and a way to wait for the next 'built' or 'failed'."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.done = threading.Semaphore(0)

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        if event.kind in ('built', 'failed'):
            self.done.release()

    def wait(self) -> Event:
        assert self.done.acquire(timeout=300), self.events
        return self.events[-1]


def test_a_save_that_changes_nothing_builds_nothing(write_book, tmp_path: Path) -> None:
    folder = write_book({'01.md': META + '# One\n\nText.\n', '02.md': '# Two\n\nMore.\n', 'notes.txt': 'x'})
    built = Built()
    builder = Builder(BuildOptions(folder, tmp_path / 'out', formats=('html',)), [built])
    builder.start()
    try:
        assert built.wait().kind == 'built'
        # Saved as it was, a file never edited in this session among them: no build, nothing
        # called off.
        for name in ('01.md', '02.md', 'notes.txt'):
            (folder / name).write_bytes((folder / name).read_bytes())
        builder.request(['01.md', '02.md', 'notes.txt'])
        assert not builder.busy_or_waiting()
        # A real change builds, for that file alone.
        (folder / '02.md').write_text('# Two\n\nMore, and more.\n', encoding='utf-8')
        builder.request(['01.md', '02.md'])
        assert built.wait().kind == 'built'
        assert 'More, and more.' in (tmp_path / 'out' / 'html' / 'index.html').read_text(encoding='utf-8')
        # The edited file saved again as the last build read it: nothing; undone: a build.
        builder.request(['02.md'])
        assert not builder.busy_or_waiting()
        (folder / '02.md').write_text('# Two\n\nMore.\n', encoding='utf-8')
        builder.request(['02.md'])
        assert built.wait().kind == 'built'
        (folder / 'notes.txt').unlink()  # a file gone is a change too
        builder.request(['notes.txt'])
        assert built.wait().kind == 'built'
    finally:
        builder.stop()
    assert [e.changed for e in built.events if e.kind == 'building'] == [
        (), ('02.md',), ('02.md',), ('notes.txt',)]
    assert [e.kind for e in built.events].count('cancelled') == 0
