"""Writing outputs so that a failed or interrupted build loses nothing.

Each file is written to a temporary name in its own folder, flushed to disk,
then renamed over the old one: readers see the old file or the new one, never
half of either. The web edition is a folder: it is assembled beside the old
one and swapped in with two renames. Temporary names share one prefix so the
next run can sweep up what a killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from makebook import codes
from makebook.errors import OutputError

TEMP_PREFIX = '.make-book-tmp-'


def holds_manuscript(out_dir: Path, manuscript_root: Path) -> bool:
    """True if ``out_dir`` is the manuscript folder or contains it: never an output folder."""
    resolved = out_dir.resolve()
    return resolved == manuscript_root or manuscript_root.is_relative_to(resolved)


def prepare_out_dir(out_dir: Path, manuscript_root: Path) -> Path:
    """Create the output folder; refuse one that would overwrite the manuscript."""
    resolved = out_dir.resolve()
    if holds_manuscript(out_dir, manuscript_root):
        raise OutputError(f'{out_dir}: the output folder must not be the manuscript folder '
                          'or contain it', code=codes.OUTPUT_IS_MANUSCRIPT.id)
    try:
        resolved.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f'{out_dir}: cannot create the output folder ({exc.strerror})',
                          code=codes.OUTPUT_UNCREATABLE.id) from None
    _sweep(resolved)
    return resolved


def temp_folder(out_dir: Path, manuscript_root: Path, kind: str) -> Path:
    """A private folder for this build's working files (remote downloads), in the output folder.

    It carries the temporary prefix, so if the build is killed before removing
    it, the next build's sweep does.
    """
    resolved = prepare_out_dir(out_dir, manuscript_root)
    folder = Path(tempfile.mkdtemp(prefix=f'{TEMP_PREFIX}{kind}-', dir=resolved))
    _LIVE.add(folder)
    return folder


_LIVE: set[Path] = set()  # this process's own temporary folders: in use, not stale


def _sweep(folder: Path) -> None:
    """Remove temporaries a killed run left (only ours, by their prefix)."""
    for stale in folder.glob(f'{TEMP_PREFIX}*'):
        if stale in _LIVE:
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                stale.unlink()


def write_file(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically."""
    descriptor, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(descriptor, 'wb') as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f'{path}: cannot write ({exc.strerror})',
                              code=codes.OUTPUT_UNWRITABLE.id) from None
        raise
    _fsync_folder(path.parent)
    return path


MANIFEST = '.make-book-files'  # in a folder make-book wrote: the files it put there


def write_folder(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Replace ``folder`` with one holding ``files``, swapped in at the end.

    Files in the old folder that make-book did not write (not in its manifest)
    are the user's: they are carried over, never deleted.
    """
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=folder.parent))
    try:
        for relative, data in files.items():
            _write_durably(_inside(staging, relative), data)
        _write_durably(staging / MANIFEST, '\n'.join(sorted(files)).encode() + b'\n')
        if folder.is_dir() and not folder.is_symlink():
            _carry_over(folder, staging, files)
        for file in staging.rglob('*'):
            os.chmod(file, 0o755 if file.is_dir() else 0o644)
        os.chmod(staging, 0o755)
        if folder.exists() or folder.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=folder.parent))
            os.replace(folder, old / 'old')
            os.replace(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, folder)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f'{folder}: cannot write ({exc.strerror})',
                              code=codes.OUTPUT_UNWRITABLE.id) from None
        raise
    _fsync_folder(folder.parent)
    return folder


def _inside(folder: Path, relative: str) -> Path:
    """``folder / relative``, refusing a name that would land outside ``folder``."""
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()) or relative.startswith(('/', '\\')):
        raise OutputError(f'{relative}: refusing to write outside {folder}', code=codes.OUTPUT_ESCAPES.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, 'wb') as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _carry_over(old: Path, staging: Path, files: Mapping[str, bytes]) -> None:
    """Copy into ``staging`` the files of ``old`` that make-book did not write."""
    manifest = old / MANIFEST
    ours = set(manifest.read_text(encoding='utf-8').split('\n')) if manifest.is_file() else set()
    for path in sorted(old.rglob('*')):
        relative = path.relative_to(old).as_posix()
        if path.is_dir() or relative == MANIFEST or relative in files or relative in ours:
            continue
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            target.symlink_to(os.readlink(path))
        else:
            shutil.copy2(path, target)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def remove_outputs(out_dir: Path, files: list[str], folders: list[str], caches: list[str]) -> list[Path]:
    """Remove from ``out_dir`` the ``files`` and the ``folders`` make-book wrote (a folder: only the
    files of its manifest; files of yours there stay), its ``caches`` (whole folders) and any
    temporary a killed run left; then ``out_dir`` itself if that leaves it empty. Returns what
    was removed."""
    removed: list[Path] = []
    for name in files:
        path = out_dir / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    for name in folders:
        folder = out_dir / name
        manifest = folder / MANIFEST
        if folder.is_symlink() or not manifest.is_file():
            with contextlib.suppress(OSError):
                folder.rmdir()  # left empty by an earlier clean; anything else is not ours
            continue
        for relative in [*manifest.read_text(encoding='utf-8').split('\n'), MANIFEST]:
            path = folder / relative
            if relative and path.is_file() and not path.is_symlink() and \
                    path.resolve().is_relative_to(folder.resolve()):
                path.unlink()
        for directory in sorted((p for p in folder.rglob('*') if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                directory.rmdir()  # only the folders left empty
        with contextlib.suppress(OSError):
            folder.rmdir()
        removed.append(folder)
    for stale in [*(out_dir / name for name in caches), *out_dir.glob(f'{TEMP_PREFIX}*')]:
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
            removed.append(stale)
        elif stale.exists() or stale.is_symlink():
            with contextlib.suppress(OSError):
                stale.unlink()
                removed.append(stale)
    with contextlib.suppress(OSError):
        out_dir.rmdir()  # only when empty
    return removed
