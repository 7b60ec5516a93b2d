"""Bytes deflated as the EPUB's zip deflates them, some of them early: the book face's font
files (every EPUB carries them whole) are deflated in a thread while the build starts, on a
core it leaves idle, and the EPUB's Deflater (epub/package.py) takes them up by content.

Light on purpose (the standard library and the book face's package): the command starts
the book face's deflate before it imports the pipeline (commands/build.py).
"""

from __future__ import annotations

import concurrent.futures
import os
import zlib
from collections.abc import Iterable

from makebook.theme import fonts

# The deflate ZipFile.writestr(compresslevel=9) does: raw deflate, level 9, zlib's other defaults.
_LEVEL, _WINDOW = 9, -15
# An entry this big is left to ZipFile (it would need ZIP64 headers): never one of a book's.
LARGEST_AHEAD = 1 << 30


def deflate(content: bytes) -> bytes:
    """``content`` deflated exactly as ZipFile.writestr(compresslevel=9) deflates it: one
    compress and a flush of one compressor."""
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, _WINDOW)
    return compressor.compress(content) + compressor.flush()


# Entries whose deflate started before the EPUB was begun (:func:`deflate_early`), by content:
# the first Deflater given the same bytes takes it; in the process that started them only (a
# process forked since has not the thread that would finish them).
_EARLY: dict[bytes, concurrent.futures.Future[bytes]] = {}
_EARLY_PID = [0]


def deflate_early(contents: Iterable[bytes]) -> None:
    """Start deflating ``contents`` in a thread now, for the next EPUB made in this process that
    has them (:meth:`Deflater.ahead` takes them up: the same bytes, deflated the same way).
    What an earlier call started and no EPUB took is kept if asked for again, else dropped."""
    wanted = [content for content in contents if len(content) <= LARGEST_AHEAD]
    started = dict(_EARLY) if _EARLY_PID[0] == os.getpid() else {}
    _EARLY.clear()
    _EARLY_PID[0] = os.getpid()
    _EARLY.update({content: started[content] for content in wanted if content in started})
    new = [content for content in wanted if content not in _EARLY]
    if not new:
        return
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix='make-book-deflate-early')
    try:
        for content in new:
            if content not in _EARLY:
                _EARLY[content] = pool.submit(deflate, content)
    finally:
        pool.shutdown(wait=False)  # its thread ends once they are deflated


def take_early(content: bytes) -> concurrent.futures.Future[bytes] | None:
    """The deflate of ``content`` started early by this very process, if any (taken once)."""
    return _EARLY.pop(content, None) if _EARLY_PID[0] == os.getpid() else None


def deflate_book_face() -> None:
    """The book face's font files (in every EPUB, whole) deflated early (:func:`deflate_early`)."""
    deflate_early(font.path.read_bytes() for font in fonts.font_files())
