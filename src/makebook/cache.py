"""A cache of work a build can reuse, kept in the output folder (``.make-book-cache/``).

The author's loop (``watch``, ``serve``) and book-scale speed share it: what a
stage made from some input is stored under a key naming everything the result
depends on, and reused while none of that changes. A key is the SHA-256 of

* make-book's own code and theme (every ``.py`` file of the package and every
  file of the styles folder, read once a process), the Python version and the
  libraries installed beside it (their names and versions): a new version, a
  changed line or an upgraded library never meets results made by the old one;
* a namespace (which stage and what kind of result: ``render/convert``);
* the parts the caller names (a file's text, the settings that shape it).

Entries are JSON, never pickle: a cache folder can come from anywhere (a
co-author's repository), and loading it must not run code. Each entry repeats
its key and a checksum of its content; an entry that does not parse, names
another key or fails its checksum is ignored and removed, so a damaged or
half-written cache costs a rebuild, never a wrong book. Entries are written
to a temporary name and renamed, so an interrupted build leaves whole entries
or none. After a build, :meth:`Cache.sweep` removes the entries it did not
use, so the cache holds one book's worth, not its history.

Nothing here raises: a cache that cannot be read or written is a cache that
misses (the build goes on, only slower). Deleting the folder is always safe.

A first build has no output folder yet, and a build that fails must not
create one: :meth:`Cache.deferred` keeps what is stored in memory until
:meth:`Cache.settle` names the folder the build made.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

FOLDER = '.make-book-cache'
FORMAT = 1  # the layout of an entry; bump it when that changes
_NAMESPACE = re.compile(r'[a-z0-9-]+(/[a-z0-9-]+)*')


@functools.cache
def code_fingerprint() -> str:
    """The SHA-256 of make-book's own code and theme, as installed."""
    package = Path(__file__).resolve().parent
    styles = package / 'styles'
    if not styles.is_dir():
        styles = package.parents[1] / 'styles'  # a source checkout
    digest = hashlib.sha256(f'format {FORMAT}'.encode())
    for root in (package, styles):
        for path in sorted(p for p in root.rglob('*') if p.is_file() and p.suffix != '.pyc'):
            digest.update(path.relative_to(root).as_posix().encode() + b'\0')
            digest.update(path.read_bytes() + b'\0')
    digest.update(sys.version.encode() + b'\0')
    for name in _installed_distributions():
        digest.update(name.encode() + b'\0')
    return digest.hexdigest()


def _installed_distributions() -> list[str]:
    """The installed distributions' metadata folders ('Markdown-3.11.3.dist-info'...), which
    name each library and its version: an upgrade of WeasyPrint or Pygments changes results.
    A listing of each import folder, not importlib.metadata: this runs on every build."""
    found: list[str] = []
    for entry in sys.path:
        with contextlib.suppress(OSError):
            found.extend(name for name in os.listdir(entry or '.')
                         if name.endswith(('.dist-info', '.egg-info')))
    return sorted(found)


def describe(value: object) -> str:
    """``value`` as text that names it the same way in every process, for a key's parts:
    dataclasses field by field, sets and mappings sorted (their order varies with the hash
    seed), everything else by its ``repr``."""
    if isinstance(value, str | int | float | None):  # most of what a key names: at once
        return repr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ', '.join(f'{field.name}={describe(getattr(value, field.name))}'
                           for field in dataclasses.fields(value))
        return f'{type(value).__qualname__}({fields})'
    if isinstance(value, set | frozenset):
        return '{' + ', '.join(sorted(describe(item) for item in value)) + '}'
    if isinstance(value, Mapping):
        return '{' + ', '.join(sorted(f'{describe(k)}: {describe(v)}' for k, v in value.items())) + '}'
    if isinstance(value, list | tuple):
        return '(' + ', '.join(describe(item) for item in value) + ')'
    return repr(value)


class Cache:
    """Entries under one folder; a Cache with no folder is off and misses every time."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._pending: dict[tuple[str, str], Any] | None = None  # deferred: kept until settled
        self._kept: dict[tuple[str, str], Any] = {}  # settled, not yet written (write_kept)
        self._used: set[Path] = set()
        self._namespaces: set[str] = set()  # those this build looked in
        self.hits = 0
        self.misses = 0
        self._unsettled_misses = 0  # looked up while deferred (settled_in counts them)

    @classmethod
    def off(cls) -> Cache:
        return cls(None)

    @classmethod
    def deferred(cls) -> Cache:
        """A cache with no folder yet: it misses, and keeps what is stored until :meth:`settle`."""
        cache = cls(None)
        cache._pending = {}
        return cache

    def settle(self, out_dir: Path, write: bool = True) -> None:
        """A deferred cache takes its place in ``out_dir`` (which the build has made) and
        writes what it kept (with ``write=False``, :meth:`write_kept` does, later or in another
        process); any other cache is left as it is."""
        if self._pending is None:
            return
        self._kept, self._pending = self._pending, None
        self.folder = Cache.in_output_folder(out_dir).folder
        if write:
            self.write_kept()

    def write_kept(self) -> None:
        """Write what a deferred cache kept in memory before :meth:`settle` (nothing otherwise)."""
        kept, self._kept = self._kept, {}
        for (namespace, key), value in kept.items():
            self.store(namespace, key, value)

    def fresh_record(self) -> Cache:
        """The same cache with nothing yet used, looked in or counted, for work done in another
        process (a forked child), whose record :meth:`merge` adds to this one's; it holds what
        this one kept and has not written, for that process to write (:meth:`write_kept`)."""
        other = Cache(self.folder)
        other._pending = None if self._pending is None else {}
        other._kept = dict(self._kept)  # (still deferred, this one writes what it holds itself)
        return other

    def settled_in(self, folder: Path | None) -> None:
        """A :meth:`fresh_record` made while its cache was deferred takes the folder that cache
        has since settled in (None: off): what it stored meanwhile is then written by
        :meth:`write_kept`, as the cache itself would have (the cache writes what it kept)."""
        if self._pending is None:
            return
        self._kept.update(self._pending)
        self._pending = None
        self.folder = folder
        if folder is not None:  # what it looked up would have missed there: counted as made
            self.misses += self._unsettled_misses

    def merge(self, other: Cache) -> None:
        """Count what ``other`` (a :meth:`fresh_record` of this cache, used elsewhere) used,
        wrote and kept as this build's own: sweep keeps its entries, the counts include its."""
        self._used |= other._used
        self._namespaces |= other._namespaces
        self.hits += other.hits
        self.misses += other.misses
        self._kept = dict(other._kept)  # what it left unwritten (write_kept: nothing)
        if self._pending is not None and other._pending:
            self._pending.update(other._pending)

    @classmethod
    def in_output_folder(cls, out_dir: Path) -> Cache:
        """The cache of the book built into ``out_dir`` (which must exist); off if unusable."""
        folder = out_dir / FOLDER
        try:
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                return cls.off()  # never follow a link planted where the cache goes
            folder.mkdir(exist_ok=True)
        except OSError:
            return cls.off()
        return cls(folder)

    def key(self, namespace: str, *parts: str | bytes) -> str:
        """The key of a result in ``namespace`` that depends on ``parts`` (and on make-book)."""
        digest = hashlib.sha256(code_fingerprint().encode() + b'\0' + namespace.encode() + b'\0')
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, 'big') + data)
        return digest.hexdigest()

    def load(self, namespace: str, key: str) -> Any | None:
        """The JSON value stored under ``key``, or None (a miss)."""
        path = self._path(namespace, key)
        if path is None:
            if self._pending is not None:
                self._unsettled_misses += 1
            return None
        try:
            entry = json.loads(path.read_bytes())
            content = json.dumps(entry['value'], sort_keys=True, separators=(',', ':'))
            valid = (entry['key'] == key and entry['format'] == FORMAT
                     and entry['sha256'] == hashlib.sha256(content.encode()).hexdigest())
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            with contextlib.suppress(OSError):
                path.unlink()
            self.misses += 1
            return None
        self._used.add(path)
        self.hits += 1
        return entry['value']

    def store(self, namespace: str, key: str, value: Any) -> None:
        """Keep ``value`` (anything JSON can hold) under ``key``; a failure is only a miss later."""
        if self._pending is not None:
            self._pending[(namespace, key)] = value
            return
        path = self._path(namespace, key)
        if path is None:
            return
        try:
            content = json.dumps(value, sort_keys=True, separators=(',', ':'))
            # The entry {'format', 'key', 'sha256', 'value'} as json.dumps(sort_keys=True) writes
            # it, with the value's text written once (not encoded again, nor a piece at a time).
            entry = (f'{{"format":{json.dumps(FORMAT)},"key":{json.dumps(key)},'
                     f'"sha256":"{hashlib.sha256(content.encode()).hexdigest()}","value":{content}}}')
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temp = tempfile.mkstemp(prefix='.tmp-', dir=path.parent)
            with os.fdopen(descriptor, 'w', encoding='utf-8') as stream:
                stream.write(entry)
            os.replace(temp, path)
        except (OSError, TypeError, ValueError):
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temp)
            return
        self._used.add(path)

    def sweep(self, namespaces: Iterable[str] | None = None) -> None:
        """Remove the entries of ``namespaces`` that this build did not use, and any temporary
        an interrupted build left there. The default is the namespaces this build looked in:
        an EPUB-only build keeps the PDF's entries."""
        if self.folder is None:
            return
        chosen = self._namespaces if namespaces is None else set(namespaces)
        for root in (self.folder / name for name in sorted(chosen) if _NAMESPACE.fullmatch(name)):
            for path in root.rglob('*') if root.is_dir() else ():
                if path.is_file() and path not in self._used:
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _path(self, namespace: str, key: str) -> Path | None:
        if self.folder is None or not key.isalnum() or not _NAMESPACE.fullmatch(namespace):
            return None
        self._namespaces.add(namespace)
        return self.folder / namespace / key[:2] / f'{key}.json'
