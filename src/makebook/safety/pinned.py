"""The connections of safety/remote.py's downloads: no redirects, no proxies, and, for a download
only the manuscript asked for, connected to the address remote.py checked. A module of its own so
that the network's modules (http.client, ssl, urllib.request) load only when something is
downloaded: most builds never do.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import IO, Any, NoReturn

from makebook.safety.resources import Refused

# What a failed download raises besides OSError and ValueError (remote.py says why it failed).
FAILURES: tuple[type[Exception], ...] = (urllib.error.URLError, http.client.HTTPException)


def opener(address: str | None) -> urllib.request.OpenerDirector:
    """An opener that follows no redirect and uses no proxy; connected to ``address`` when given,
    whatever the URL's host name resolves to by then."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({}), _NoRedirects()]
    if address is not None:
        handlers += [_PinnedHTTP(address), _PinnedHTTPS(address)]
    return urllib.request.build_opener(*handlers)


def request(url: str) -> urllib.request.Request:
    return urllib.request.Request(url, headers={'User-Agent': 'make-book'})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere (CVE-2025-68616 was one): refuse it, name the target."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> NoReturn:
        fp.close()
        raise Refused(f'the server redirects to {newurl}; use that address if you trust it')


def _pinned(connection_class: type[http.client.HTTPConnection],
            address: str) -> Callable[..., http.client.HTTPConnection]:
    """A connection factory that connects to ``address`` whatever the host name resolves to now.

    The host name stays the connection's ``host``: it is sent as ``Host`` and,
    for https, used for SNI and to verify the certificate.
    """
    # The options (timeout, TLS context) are urllib's, passed on as they come.
    def connect(host: str, **options: Any) -> http.client.HTTPConnection:
        connection = connection_class(host, **options)

        def create_connection(target: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
            return socket.create_connection((address, target[1]), *args, **kwargs)
        # used by connect() in http.client; typeshed leaves this private attribute out
        connection._create_connection = create_connection  # type: ignore[attr-defined]
        return connection
    return connect


class _PinnedHTTP(urllib.request.HTTPHandler):
    def __init__(self, address: str) -> None:
        super().__init__()
        self._address = address

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_pinned(http.client.HTTPConnection, self._address), req)


class _PinnedHTTPS(urllib.request.HTTPSHandler):
    _context: ssl.SSLContext | None  # set by HTTPSHandler.__init__; typeshed leaves it out

    def __init__(self, address: str) -> None:
        super().__init__()
        self._address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_pinned(http.client.HTTPSConnection, self._address), req,
                            context=self._context)
