"""Downloading remote images, only when the person building the book asks for it.

By default make-book never touches the network (safety/resources.py refuses
``http(s):`` references). ``make-book build --allow-remote`` or ``allow-remote:
true`` in the metadata turns on this module, which downloads each remote image
once, into a private temporary folder, so every later stage (EPUB, PDF, web)
uses a local file and no renderer ever fetches anything itself.

The folder lives inside the output folder under the prefix every make-book
temporary has (``.make-book-tmp-``): it is removed when the build ends, and if
the build is killed (SIGKILL leaves no hook) the next build in that folder
sweeps it. The download is bounded: http and https only, no redirects, no
proxies from the environment, a timeout, a size cap per image and per build,
and an image media type. A manuscript
that opts in through its own metadata cannot reach this machine or its network
(loopback, private and link-local addresses such as a cloud metadata service);
only ``--allow-remote`` on the command line, a decision of the person running
the build, lifts that. The address checked is the address connected to (the
connection is pinned to it, the URL's host name still sent as ``Host`` and used
for TLS), so a name that resolves to a public address for the check and to
127.0.0.1 a moment later (DNS rebinding) cannot get past the check.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from makebook.safety.resources import Refused

if TYPE_CHECKING:
    import urllib.request

# The network's modules (http.client, ssl, urllib.request: a fortieth of a second to import)
# are loaded by safety/pinned.py, at the first download: most builds never download.

SCHEMES = frozenset({'http', 'https'})
TIMEOUT = 20.0  # seconds for each step of a download (connecting, each read)
DEADLINE = 60.0  # seconds for a whole download: a server sending a byte a second is given up
SIZE_LIMIT = 20 * 1024 * 1024  # bytes per image
TOTAL_LIMIT = 100 * 1024 * 1024  # bytes for all the images of one build
IMAGE_TYPES = {
    'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif',
    'image/svg+xml': '.svg', 'image/webp': '.webp',
}


def _temporary_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix='make-book-remote-'))


@dataclass
class Downloader:
    """Downloads remote images into one temporary folder, removed by :meth:`close`."""

    public_only: bool  # True when only the manuscript's metadata asked for downloads
    timeout: float = TIMEOUT
    deadline: float = DEADLINE
    size_limit: int = SIZE_LIMIT
    total_limit: int = TOTAL_LIMIT
    make_folder: Callable[[], Path] = _temporary_folder  # build.py: a swept one in the output folder
    _folder: Path | None = None
    _done: dict[str, tuple[str, Path]] = field(default_factory=dict)
    _total: int = 0

    def __call__(self, url: str) -> tuple[str, Path]:
        """(book-relative href, local file) for the image at ``url``. Raises Refused."""
        if url not in self._done:
            self._done[url] = self._download(url)
        return self._done[url]

    def close(self) -> None:
        """Remove the downloads; the outputs carry their own copies."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _download(self, url: str) -> tuple[str, Path]:
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            raise Refused(f'only {" and ".join(sorted(SCHEMES))} URLs are downloaded')
        from makebook.safety import pinned

        address = None
        if self.public_only:
            address = _public_address(parts.hostname,
                                      parts.port or (443 if parts.scheme == 'https' else 80))
        opener, request = pinned.opener(address), pinned.request(url)
        room = min(self.size_limit, self.total_limit - self._total)
        media_type, body = self._fetch(opener, request, room)
        if len(body) > self.size_limit:
            raise Refused(f'larger than {_megabytes(self.size_limit)}')
        if len(body) > room:
            raise Refused(f'the remote images of this build pass {_megabytes(self.total_limit)} '
                          'together; save the large ones in the manuscript folder')
        if media_type not in IMAGE_TYPES:
            raise Refused(f"the server sent '{media_type}', not an image")
        self._total += len(body)
        name = hashlib.sha256(url.encode()).hexdigest()[:20] + IMAGE_TYPES[media_type]
        path = self._target() / name
        path.write_bytes(body)
        return f'remote/{name}', path

    def _fetch(self, opener: urllib.request.OpenerDirector, request: urllib.request.Request,
               room: int) -> tuple[str, bytes]:
        """The media type and at most ``room`` + 1 bytes of the answer, within :attr:`deadline`.

        The timeout bounds each step only; the whole download runs in a thread the build
        stops waiting for at the deadline (a thread cannot be killed: it ends when the
        server gives up or the process ends, and what it reads is thrown away)."""
        from makebook.safety import pinned

        answer: list[tuple[str, bytes] | BaseException] = []

        def fetch() -> None:
            try:
                with opener.open(request, timeout=self.timeout) as response:
                    media_type = response.headers.get_content_type()
                    chunks: list[bytes] = []
                    size, ends = 0, time.monotonic() + self.deadline
                    while size <= room:
                        if time.monotonic() > ends:
                            raise TimeoutError
                        chunk = response.read1(min(65536, room + 1 - size))  # what has come, not more
                        if not chunk:
                            break
                        chunks.append(chunk)
                        size += len(chunk)
                    answer.append((media_type, b''.join(chunks)))
            except BaseException as exc:  # handed to the build's thread, without this one's frames
                answer.append(exc.with_traceback(None))

        worker = threading.Thread(target=fetch, name='make-book download', daemon=True)
        worker.start()
        worker.join(self.deadline)
        if not answer or isinstance(answer[0], TimeoutError):
            raise Refused(f'the download took more than {self.deadline:g} seconds')
        found = answer[0]
        if isinstance(found, Refused):
            raise found
        if isinstance(found, (OSError, ValueError, *pinned.FAILURES)):
            reason = getattr(found, 'reason', None) or found
            raise Refused(f'could not download it ({reason})') from None
        if isinstance(found, BaseException):
            raise found
        return found

    def _target(self) -> Path:
        if self._folder is None:
            self._folder = self.make_folder()
        return self._folder


def _megabytes(size: int) -> str:
    return f'{size / (1024 * 1024):g} MB'


def _public_address(host: str, port: int) -> str:
    """The address to connect to for ``host``, refused if it is this machine or a private network.

    Every address the name resolves to must be public; the connection then goes
    to the first of them (not to a second lookup, which a rebinding DNS server
    could answer differently).
    """
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise Refused(f'cannot resolve {host} ({exc})') from None
    # An IPv6 address is (int, bytes) when Python was built without IPv6: none to connect to.
    addresses = list(dict.fromkeys(info[4][0] for info in infos if isinstance(info[4][0], str)))
    if not addresses:
        raise Refused(f'cannot resolve {host}')
    for address in addresses:
        if not ipaddress.ip_address(address.split('%')[0]).is_global:
            raise Refused(f'{host} is a local or private address ({address}); the manuscript '
                          "cannot ask for that; pass --allow-remote to 'make-book build' if you mean it")
    return addresses[0]


@contextlib.contextmanager
def for_build(command_line: bool, metadata: bool,
              make_folder: Callable[[], Path] = _temporary_folder) -> Iterator[Downloader | None]:
    """The downloader a build may use (None unless the command line or the metadata asks);
    its folder is removed when the build ends, however it ends (short of SIGKILL)."""
    downloader = None
    if command_line or metadata:
        downloader = Downloader(public_only=not command_line, make_folder=make_folder)
    try:
        yield downloader
    finally:
        if downloader is not None:
            downloader.close()
