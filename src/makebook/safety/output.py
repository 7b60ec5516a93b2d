"""Writing outputs so that a failed, interrupted or concurrent build loses nothing.

A build's outputs (the EPUB, the PDF, the web edition's folder) are written
together or not at all:

1. the output folder is locked (``flock`` on the folder itself: the lock dies
   with its owner, and leaves no file behind); a second build into the same
   folder waits for the first to finish writing, and refuses after a while;
2. every output is written in full beside its target under a temporary name
   and flushed to disk; a failure here (a full disk, a file limit) removes the
   temporaries and leaves every previous output as it was;
3. then each is swapped in: atomically exchanged with the old one where the
   system can (``renameat2(RENAME_EXCHANGE)``, so the target never goes missing
   even for a moment), else renamed over it; should a swap fail, those already
   made are swapped back.

Temporary names share one prefix and carry their owner's process id, so the next
run sweeps only what a dead run left behind, never a live build's working files
(another build's staging folder, its downloads). Files of the user's own in the
output folder, or in the web edition's folder, are left alone.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from makebook import codes
from makebook.errors import OutputError

TEMP_PREFIX = '.make-book-tmp-'
MANIFEST = '.make-book-files'  # in a folder make-book wrote: the files it put there
# How long a build waits for another one writing into the same folder.
LOCK_SECONDS = 300.0

# An output: a file's bytes, or a folder's files by their relative paths.
Content = bytes | Mapping[str, bytes]


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
        raise OutputError(f'{out_dir}: cannot create the output folder ({_why(exc)})',
                          code=codes.OUTPUT_UNCREATABLE.id) from None
    _sweep(resolved)
    return resolved


def _temp_name(kind: str = '') -> str:
    """A temporary name's prefix: ours, with our process id so a sweep can tell if we live."""
    return f'{TEMP_PREFIX}{os.getpid()}-{kind + "-" if kind else ""}'


def temp_folder(out_dir: Path, manuscript_root: Path, kind: str) -> Path:
    """A private folder for this build's working files (remote downloads), in the output folder.

    It carries the temporary prefix and this process's id: a concurrent build's sweep leaves
    it alone while this build runs, and the next build's sweep removes it if this one is killed.
    """
    resolved = prepare_out_dir(out_dir, manuscript_root)
    try:
        return Path(tempfile.mkdtemp(prefix=_temp_name(kind), dir=resolved))
    except OSError as exc:
        raise OutputError(f'{out_dir}: cannot write ({_why(exc)})', code=codes.OUTPUT_UNWRITABLE.id) from None


def _owner_alive(name: str) -> bool:
    """Whether the process a temporary name carries still runs (a name with no id: no)."""
    pid_text = name[len(TEMP_PREFIX):].split('-', 1)[0]
    if not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _sweep(folder: Path) -> None:
    """Remove temporaries a dead run left (only ours, by their prefix, and only the dead's)."""
    for stale in folder.glob(f'{TEMP_PREFIX}*'):
        if _owner_alive(stale.name):
            continue
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                stale.unlink()


@contextlib.contextmanager
def locked(folder: Path, seconds: float | None = None) -> Iterator[None]:
    """Hold the output folder's lock: one build writes into a folder at a time.

    The lock is ``flock`` on the folder itself, released when this build ends or dies.
    A build that finds the folder locked waits up to ``seconds`` (:data:`LOCK_SECONDS`),
    then refuses (MB014).
    """
    seconds = LOCK_SECONDS if seconds is None else seconds
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0) | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f'{folder}: cannot write ({_why(exc)})', code=codes.OUTPUT_UNWRITABLE.id) from None
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError(f'{folder}: another make-book has been writing into this folder '
                                      f'for more than {seconds:g} seconds; wait for it, or choose '
                                      'another output folder (-o)', code=codes.OUTPUT_LOCKED.id) from None
                time.sleep(0.05)
            except OSError:
                break  # a file system without locks: write unlocked rather than not at all
        yield
    finally:
        os.close(descriptor)  # releases the lock


@dataclass
class _Staged:
    target: Path
    temp: Path
    backup: Path | None = None  # the old output, once swapped out
    swapped: bool = False


def write_outputs(out_dir: Path, manuscript_root: Path,
                  outputs: Mapping[str, Content]) -> list[Path]:
    """Write every output (by its name in the output folder) together, or none of them.

    Returns each output's path in the output folder (a folder's path for a folder).
    Raises :class:`OutputError` (exit 4) and leaves the previous outputs as they were.
    """
    folder = prepare_out_dir(out_dir, manuscript_root)
    with locked(folder):
        _sweep(folder)  # what a build killed while it held the lock left behind
        targets = [folder / name for name in outputs]
        for target, content in zip(targets, outputs.values(), strict=True):
            _check_target(target, isinstance(content, bytes))
        staged: list[_Staged] = []
        where = folder  # the output being written, for the message
        try:
            for target, content in zip(targets, outputs.values(), strict=True):
                where = target
                staged.append(_stage(target, content))
            _fsync_folder(folder)
            _swap_all(staged)
        except BaseException as exc:
            for item in staged:
                _remove(item.temp)
            if isinstance(exc, OSError):
                raise OutputError(f'{where}: cannot write ({_why(exc)}); the previous outputs are '
                                  'untouched', code=codes.OUTPUT_UNWRITABLE.id) from None
            raise
        for item in staged:
            _remove(item.temp)  # the old outputs, swapped out
        _fsync_folder(folder)
    return targets


def write_file(path: Path, data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically (one output; see :func:`write_outputs`)."""
    _one(path, data)
    return path


def write_folder(folder: Path, files: Mapping[str, bytes]) -> Path:
    """Replace ``folder`` with one holding ``files``, swapped in at the end.

    Files in the old folder that make-book did not write (not in its manifest) are
    the user's: they are carried over, never deleted.
    """
    _one(folder, files)
    return folder


def _one(target: Path, content: Content) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target.parent):
        _check_target(target, isinstance(content, bytes))
        item: _Staged | None = None
        try:
            item = _stage(target, content)
            _swap_all([item])
        except BaseException as exc:
            if item is not None:
                _remove(item.temp)
            if isinstance(exc, OSError):
                raise OutputError(f'{exc.filename or target}: cannot write ({_why(exc)})',
                                  code=codes.OUTPUT_UNWRITABLE.id) from None
            raise
        _remove(item.temp)
        _fsync_folder(target.parent)


def _check_target(target: Path, is_file: bool) -> None:
    """Refuse, before anything is written, to replace what is not an output of ours."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f'{target}: cannot write ({_why(exc)})', code=codes.OUTPUT_UNWRITABLE.id) from None
    if is_file and stat.S_ISDIR(info.st_mode):
        raise OutputError(f'{target}: a folder is in the way of this output; move it, or choose another '
                          'output folder (-o)', code=codes.OUTPUT_IN_THE_WAY.id)
    if not is_file and not stat.S_ISDIR(info.st_mode):
        raise OutputError(f'{target}: a file of yours is in the way of the web edition (a folder); '
                          'it is left alone: move it, or choose another output folder (-o)',
                          code=codes.OUTPUT_IN_THE_WAY.id)


def _stage(target: Path, content: Content) -> _Staged:
    """``content`` written in full under a temporary name beside ``target``, flushed to disk."""
    if isinstance(content, bytes):
        descriptor, temp_name = tempfile.mkstemp(prefix=_temp_name(), dir=target.parent)
        temp = Path(temp_name)
        try:
            with os.fdopen(descriptor, 'wb') as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)
        except BaseException:
            _remove(temp)
            raise
        return _Staged(target, temp)
    staging = Path(tempfile.mkdtemp(prefix=_temp_name(), dir=target.parent))
    old = target if target.is_dir() and not target.is_symlink() else None
    try:
        written: list[tuple[Path, bytes]] = []
        for relative, data in content.items():
            path = _inside(staging, relative)
            if old is None or not _link_if_same(old, relative, data, path):
                written.append((path, data))
        written.append((staging / MANIFEST, '\n'.join(sorted(content)).encode() + b'\n'))
        _write_all_durably(written)
        if target.is_dir() and not target.is_symlink():
            _carry_over(target, staging, content)
        for file in staging.rglob('*'):
            if not file.is_symlink() and (file.is_dir() or file.is_file()):
                os.chmod(file, 0o755 if file.is_dir() else 0o644)
        os.chmod(staging, 0o755)
        _fsync_folder(staging)
    except BaseException:
        _remove(staging)
        raise
    return _Staged(target, staging)


def _swap_all(staged: list[_Staged]) -> None:
    """Put every staged output in place; if one fails, put back those already swapped."""
    try:
        for item in staged:
            _swap(item)
    except BaseException:
        for item in reversed(staged):
            if item.swapped:
                with contextlib.suppress(OSError):
                    _unswap(item)
        raise


def _swap(item: _Staged) -> None:
    """Exchange the staged output with the old one (left at the temporary name), or rename it
    into place when there is no old one."""
    if item.target.exists() or item.target.is_symlink():
        if not _exchange(item.temp, item.target):
            backup = Path(tempfile.mkdtemp(prefix=_temp_name('old'), dir=item.target.parent)) / 'old'
            os.rename(item.target, backup)
            try:
                os.rename(item.temp, item.target)
            except BaseException:
                os.rename(backup, item.target)
                raise
            item.temp, item.backup = backup.parent, backup
        item.swapped = True
        return
    os.rename(item.temp, item.target)
    item.temp = item.target.parent / f'{_temp_name("gone")}{item.target.name}'  # nothing left
    item.swapped = True


def _unswap(item: _Staged) -> None:
    if item.backup is not None:
        _remove(item.target)
        os.rename(item.backup, item.target)
    elif item.temp.exists():
        _exchange(item.temp, item.target)
    else:
        _remove(item.target)  # it was new


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    renameat2 = getattr(_libc(), 'renameat2', None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # a file system or kernel without it: rename instead
    raise OSError(number, os.strerror(number), str(b))


def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError):
        return ctypes.CDLL(None, use_errno=True)
    return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _inside(folder: Path, relative: str) -> Path:
    """``folder / relative``, refusing a name that would land outside ``folder``."""
    target = (folder / relative).resolve()
    if not target.is_relative_to(folder.resolve()) or relative.startswith(('/', '\\')):
        raise OutputError(f'{relative}: refusing to write outside {folder}', code=codes.OUTPUT_ESCAPES.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _link_if_same(old: Path, relative: str, data: bytes, path: Path) -> bool:
    """Put the old folder's file at ``path`` (a hard link) when it holds ``data`` already: a
    rebuild after one save writes, and flushes to disk, only the files that changed (the
    old file was flushed when it was written). False when it cannot be reused."""
    previous = old / relative
    try:
        if (previous.is_symlink() or not previous.is_file() or previous.stat().st_size != len(data)
                or not previous.resolve().is_relative_to(old.resolve()) or previous.read_bytes() != data):
            return False
        os.link(previous, path)
    except OSError:  # another file system, no hard links: written afresh
        return False
    return True


# How many files of a folder are written and flushed to disk at once.
_WRITERS = 8


def _write_all_durably(files: list[tuple[Path, bytes]]) -> None:
    """Each file written and flushed to disk (as :func:`_write_durably`), several at once: a
    journaling file system commits flushes that wait together in one go, where one file after
    another waits for a commit each (the web edition of a 120-chapter book: 0.35-0.8 s of
    waiting one by one, 0.08-0.15 s eight at a time, on this machine's ext4 at load 25). Every
    file is on disk when this returns; the first error is raised, after the others are done."""
    if len(files) < 2:
        for path, data in files:
            _write_durably(path, data)
        return
    with concurrent.futures.ThreadPoolExecutor(min(_WRITERS, len(files)),
                                               thread_name_prefix='make-book-write') as pool:
        flushed = [pool.submit(_write_durably, path, data) for path, data in files]
    for future in flushed:
        future.result()


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, 'wb') as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _carry_over(old: Path, staging: Path, files: Mapping[str, bytes]) -> None:
    """Copy into ``staging`` the files of ``old`` that make-book did not write.

    A link stays a link and a FIFO a FIFO (never opened: reading one would wait for ever);
    a device or a socket cannot be copied and is left out.
    """
    manifest = old / MANIFEST
    ours = set(manifest.read_text(encoding='utf-8').split('\n')) if manifest.is_file() else set()
    for path in sorted(old.rglob('*')):
        relative = path.relative_to(old).as_posix()
        if relative == MANIFEST or relative in files or relative in ours:
            continue
        mode = path.lstat().st_mode
        if stat.S_ISDIR(mode):
            continue
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if stat.S_ISLNK(mode):
            target.symlink_to(os.readlink(path))
        elif stat.S_ISFIFO(mode):
            os.mkfifo(target, stat.S_IMODE(mode))
        elif stat.S_ISREG(mode):
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
    dead = [p for p in out_dir.glob(f'{TEMP_PREFIX}*') if not _owner_alive(p.name)]  # a live run's stay
    for stale in [*(out_dir / name for name in caches), *dead]:
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


def _why(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return 'permission denied'
    if exc.errno == errno.ENOSPC:
        return 'no space left on the disk'
    if exc.errno == errno.EDQUOT:
        return 'disk quota exceeded'
    if exc.errno == errno.EFBIG:
        return 'file too large (a file size limit)'
    return exc.strerror or type(exc).__name__
