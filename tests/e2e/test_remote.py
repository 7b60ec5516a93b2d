"""Remote images: refused by default, downloaded into the book only when asked.

A real HTTP server on 127.0.0.1 (the only network these tests touch) serves an
image, a redirect, a page and an oversized file.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest

from makebook.safety import remote
from tests.tools import BOOKS, REPO, make_book

PNG = (BOOKS / 'hostile' / 'images' / 'red.png').read_bytes()
HEAD = '---\ntitle: Remote\nauthor: A\nlang: en\n---\n# A\n\n'


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []
    hosts: ClassVar[list[str]] = []
    release = threading.Event()  # lets '/slow.png' answer

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        Handler.hosts.append(self.headers.get('Host', ''))
        if self.path == '/slow.png':
            Handler.release.wait(60)
        if self.path == '/drip.png':  # a byte every 0.2 seconds, for ever (until released)
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
            self.end_headers()
            while not Handler.release.wait(0.2):
                self.wfile.write(b'0')
                self.wfile.flush()
            return
        routes = {
            '/red.png': (200, 'image/png', PNG),
            '/page.html': (200, 'text/html', b'<p>not an image</p>'),
            '/big.png': (200, 'image/png', b'\x89PNG' + b'0' * 4096),
        }
        if self.path in ('/moved.png', '/hop.png'):
            self.send_response(302)
            target = 'file:///etc/passwd' if self.path == '/moved.png' else '/red.png'
            self.send_header('Location', target)
            self.end_headers()
            return
        status, media_type, body = routes.get(self.path.split('?')[0], (404, 'text/plain', b'no'))
        self.send_response(status)
        self.send_header('Content-Type', media_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Handler.requests, Handler.hosts = [], []
    Handler.release.clear()
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_remote_images_are_not_fetched_by_default_and_their_alt_text_stands_in(
        capsys, write_book, tmp_path, server: str) -> None:
    # A badge or a figure kept on the author's site (TypeScript Deep Dive has nine): the book
    # is made without them, each a warning; --strict makes that an error.
    book = write_book({'01.md': HEAD + f'Built: ![build passing]({server}/badge.svg) today.\n\n'
                                       f'![A red square]({server}/red.png)\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'html')
    assert run.status == 0
    assert '01.md:8: MB334 warning: image' in run.err and '01.md:10: MB334 warning: image' in run.err
    assert 'remote images are not fetched' in run.err and '--allow-remote' in run.err
    page = (tmp_path / 'out' / 'html' / 'index.html').read_text()
    assert 'Built: build passing today.' in page and 'A red square' in page and '<img' not in page
    assert make_book(capsys, book, '-o', tmp_path / 'strict', '--strict').status == 1
    assert Handler.requests == []


def test_allow_remote_downloads_the_image_into_every_output(capsys, write_book, tmp_path,
                                                           server: str) -> None:
    book = write_book({'01.md': HEAD + f'![A red square]({server}/red.png)\n\n'
                                       f'<img src="{server}/red.png" alt="Again">\n'})
    out = tmp_path / 'out'
    run = make_book(capsys, book, '-o', out, '--allow-remote')
    assert run.status == 0, run.err
    assert Handler.requests == ['/red.png']  # once, however often it is used
    epub = zipfile.ZipFile(out / 'remote.epub')
    images = [n for n in epub.namelist() if n.startswith('EPUB/remote/')]
    assert len(images) == 1
    assert epub.read(images[0]) == PNG
    assert (out / 'html' / images[0].removeprefix('EPUB/')).read_bytes() == PNG
    assert (out / 'remote.pdf').stat().st_size > 0
    assert list(book.iterdir()) == [book / '01.md']  # nothing written into the manuscript
    assert not list(out.glob('.make-book-tmp-*'))  # the downloads went with the build


@pytest.mark.parametrize(('path', 'reason'), [
    ('/moved.png', "Redirection to url 'file:///etc/passwd' is not allowed"),
    ('/hop.png', 'the server redirects to http://127.0.0.1:'),
    ('/page.html', "sent 'text/html', not an image"),
    ('/missing.png', 'could not download it'),
])
def test_downloads_are_checked(capsys, write_book, tmp_path, server: str, path: str, reason: str) -> None:
    book = write_book({'01.md': HEAD + f'![x]({server}{path})\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--allow-remote', '--format', 'epub')
    assert run.status == 1
    assert reason in run.err


def test_the_size_cap(server: str) -> None:
    with pytest.raises(remote.Refused, match='larger than'):
        remote.Downloader(public_only=False, size_limit=1024)(f'{server}/big.png')


def test_a_manuscript_cannot_reach_this_machine_by_its_metadata(capsys, write_book, tmp_path,
                                                                server: str) -> None:
    text = HEAD.replace('lang: en\n', 'lang: en\nallow-remote: true\n') + f'![x]({server}/red.png)\n'
    run = make_book(capsys, write_book({'01.md': text}), '-o', tmp_path / 'out', '--format', 'epub')
    assert run.status == 1
    assert 'local or private address' in run.err
    assert Handler.requests == []


def test_allow_remote_in_metadata_must_be_a_boolean(capsys, write_book, tmp_path) -> None:
    text = HEAD.replace('lang: en\n', 'lang: en\nallow-remote: yes please\n') + 'x\n'
    run = make_book(capsys, write_book({'01.md': text}), '-o', tmp_path / 'out', '--format', 'epub')
    assert run.status == 1
    assert "01.md:5: MB101 error: metadata 'allow-remote': expected true or false" in run.err


def test_the_total_cap_of_a_build(server: str) -> None:
    download = remote.Downloader(public_only=False, total_limit=len(PNG) * 3 // 2)
    download(f'{server}/red.png')
    with pytest.raises(remote.Refused, match='remote images of this build pass'):
        download(f'{server}/red.png?again')
    download.close()


def test_the_connection_goes_to_the_address_that_was_checked(server: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name is resolved once, checked, and that address is connected to.

    'rebind.invalid' resolves to nothing at all, so the download can only succeed
    if the connection uses the checked address (here the test server's, standing
    in for a public one) and not a second lookup; the name is still the Host.
    """
    port = server.rsplit(':', 1)[1]
    checked = []
    monkeypatch.setattr(remote, '_public_address',
                        lambda host, port: checked.append((host, port)) or '127.0.0.1')
    download = remote.Downloader(public_only=True)
    _href, path = download(f'http://rebind.invalid:{port}/red.png')
    assert path.read_bytes() == PNG
    assert checked == [('rebind.invalid', int(port))]
    assert Handler.hosts == [f'rebind.invalid:{port}']
    download.close()
    assert not path.exists()


def test_a_killed_build_leaves_its_downloads_in_a_folder_the_next_run_sweeps(
        write_book, tmp_path: Path, server: str) -> None:
    """SIGKILL runs no cleanup: the download folder is inside the output folder, under the
    prefix of make-book's temporaries, so the next build removes it."""
    book = write_book({'01.md': HEAD + f'![Red]({server}/red.png)\n\n![Slow]({server}/slow.png)\n'})
    out = tmp_path / 'out'
    env = {**os.environ, 'PYTHONPATH': str(REPO / 'src'), 'SOURCE_DATE_EPOCH': '1764288000'}
    build = subprocess.Popen([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out),
                              '-q', '--allow-remote', '--format', 'epub'], env=env)
    try:
        deadline = time.monotonic() + 60
        while not list(out.glob('.make-book-tmp-*remote-*/*')) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = list(out.glob('.make-book-tmp-*remote-*'))
        assert left, 'the build never downloaded into the output folder'
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait(30)
    assert left[0].exists()  # killed: nothing cleaned up
    (book / '01.md').write_text(HEAD + 'No images now.\n', encoding='utf-8')
    subprocess.run([sys.executable, '-m', 'makebook', 'build', str(book), '-o', str(out), '-q',
                    '--format', 'epub'], env=env, check=True, timeout=120)
    assert not list(out.glob('.make-book-tmp-*'))
    assert (out / 'remote.epub').is_file()


def test_a_download_has_a_total_deadline(server: str) -> None:
    """A server that answers a little at a time, each read within the timeout, is given up at
    the download's deadline (it held a build for ever)."""
    download = remote.Downloader(public_only=False, timeout=5, deadline=1)
    with pytest.raises(remote.Refused, match='took more than 1 seconds'):
        download(f'{server}/drip.png')
    download.close()
