"""Downloading remote images, only when the person building the book asks for it.

By default make-book never touches the network (resources.py refuses
``http(s):`` references). ``make-book build --allow-remote`` or ``allow-remote:
true`` in the metadata turns on this module, which downloads each remote image
once, into a private temporary folder, so every later stage (EPUB, PDF, web)
uses a local file and no renderer ever fetches anything itself.

The download is bounded: http and https only, no redirects, no proxies from
the environment, a timeout, a size cap, and an image media type. A manuscript
that opts in through its own metadata cannot reach this machine or its network
(loopback, private and link-local addresses such as a cloud metadata service);
only ``--allow-remote`` on the command line, a decision of the person running
the build, lifts that.
"""

from __future__ import annotations

import atexit
import hashlib
import ipaddress
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from makebook.resources import Refused

SCHEMES = frozenset({'http', 'https'})
TIMEOUT = 20.0  # seconds per download
SIZE_LIMIT = 20 * 1024 * 1024  # bytes per image
IMAGE_TYPES = {
    'image/jpeg': '.jpg', 'image/png': '.png', 'image/gif': '.gif',
    'image/svg+xml': '.svg', 'image/webp': '.webp',
}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (CVE-2025-68616 was one): refuse it, name the target."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise Refused(f'the server redirects to {newurl}; use that address if you trust it')


@dataclass
class Downloader:
    """Downloads remote images into one temporary folder, removed when make-book exits."""

    public_only: bool  # True when only the manuscript's metadata asked for downloads
    timeout: float = TIMEOUT
    size_limit: int = SIZE_LIMIT
    _folder: Path | None = None
    _done: dict[str, tuple[str, Path]] = field(default_factory=dict)

    def __call__(self, url: str) -> tuple[str, Path]:
        """(book-relative href, local file) for the image at ``url``. Raises Refused."""
        if url not in self._done:
            self._done[url] = self._download(url)
        return self._done[url]

    def _download(self, url: str) -> tuple[str, Path]:
        parts = urlsplit(url)
        if parts.scheme.lower() not in SCHEMES or not parts.hostname:
            raise Refused(f'only {" and ".join(sorted(SCHEMES))} URLs are downloaded')
        if self.public_only:
            _require_public(parts.hostname, parts.port or (443 if parts.scheme == 'https' else 80))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
        request = urllib.request.Request(url, headers={'User-Agent': 'make-book'})
        try:
            with opener.open(request, timeout=self.timeout) as response:
                media_type = response.headers.get_content_type()
                body = response.read(self.size_limit + 1)
        except Refused:
            raise
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, 'reason', None) or exc
            raise Refused(f'could not download it ({reason})') from None
        if len(body) > self.size_limit:
            raise Refused(f'larger than {self.size_limit // (1024 * 1024)} MB')
        if media_type not in IMAGE_TYPES:
            raise Refused(f"the server sent '{media_type}', not an image")
        name = hashlib.sha256(url.encode()).hexdigest()[:20] + IMAGE_TYPES[media_type]
        path = self._target() / name
        path.write_bytes(body)
        return f'remote/{name}', path

    def _target(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix='make-book-remote-'))
            atexit.register(shutil.rmtree, self._folder, True)
        return self._folder


def _require_public(host: str, port: int) -> None:
    """Refuse a host that resolves to this machine or a private network."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except OSError as exc:
        raise Refused(f'cannot resolve {host} ({exc})') from None
    for address in addresses:
        if not ipaddress.ip_address(address.split('%')[0]).is_global:
            raise Refused(f'{host} is a local or private address ({address}); the manuscript '
                          "cannot ask for that; pass --allow-remote to 'make-book build' if you mean it")


def for_build(command_line: bool, metadata: bool) -> Downloader | None:
    """The downloader a build may use: None unless the command line or the metadata asks."""
    if command_line:
        return Downloader(public_only=False)
    if metadata:
        return Downloader(public_only=True)
    return None
