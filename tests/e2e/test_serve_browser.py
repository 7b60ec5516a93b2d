"""make-book serve in a real browser (headless Chromium, driven over the DevTools protocol): a save
reloads the page by itself, the reader stays at the paragraph they were reading though text was
added above it, and a failed build shows its problem over the page.

Skipped where Chromium is not installed (CI installs it: .ci/run).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_serve import CHAPTER, Served, new_book  # noqa: F401  (the fixture)

CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason='headless Chromium is not installed')


class Page:
    """One browser tab, driven over the DevTools protocol (a websocket, aiohttp's client)."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.loads = 0

    async def send(self, method: str, **params: Any) -> dict:
        number = next(self.ids)
        await self.socket.send_json({'id': number, 'method': method, 'params': params})
        while True:
            message = json.loads((await self.socket.receive(timeout=60)).data)
            if message.get('method') == 'Page.loadEventFired':
                self.loads += 1
            if message.get('id') == number:
                assert 'error' not in message, message
                return message.get('result', {})

    async def js(self, expression: str) -> Any:
        result = await self.send('Runtime.evaluate', expression=expression, returnByValue=True)
        return result['result'].get('value')

    async def until(self, expression: str, seconds: float = 120) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                value = await self.js(expression)
            except (AssertionError, KeyError):  # the page is between two documents
                value = None
            if value:
                return value
            await asyncio.sleep(0.2)
        raise AssertionError(f'not within {seconds} s: {expression}')


def start_chromium(profile: str) -> tuple[subprocess.Popen, str]:
    log = Path(profile) / 'chromium.log'  # a file, not a pipe: nobody has to keep reading it
    with open(log, 'w') as stream:
        process = subprocess.Popen(
            [CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
             '--no-first-run', '--disable-component-update', '--disable-sync', '--window-size=900,700',
             f'--user-data-dir={profile}', '--remote-debugging-address=127.0.0.1',
             '--remote-debugging-port=0', 'about:blank'], stdout=subprocess.DEVNULL, stderr=stream)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r'DevTools listening on ws://127\.0\.0\.1:(\d+)/', log.read_text(errors='replace'))
        if found:
            return process, found.group(1)
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=30)
    raise AssertionError('Chromium did not start its DevTools server: ' + log.read_text(errors='replace'))


async def drive(port: str, url: str, book: Path) -> None:
    import aiohttp

    request = urllib.request.Request(f'http://127.0.0.1:{port}/json/new?{url}html/', method='PUT')
    with urllib.request.urlopen(request, timeout=30) as response:
        target = json.loads(response.read())
    async with aiohttp.ClientSession() as session, \
            session.ws_connect(target['webSocketDebuggerUrl'], max_msg_size=0) as socket:
        page = Page(socket)
        await page.send('Page.enable')
        await page.until("document.readyState === 'complete' && "
                         "!!document.getElementById('the-second-chapter')")
        # The reader scrolls to the second chapter; a mark in the page tells a reload from none.
        await page.js("document.getElementById('the-second-chapter').scrollIntoView(); "
                      'window.notReloaded = true')
        before = await page.js("document.getElementById('the-second-chapter').getBoundingClientRect().top")
        assert await page.js('window.scrollY') > 100

        first = book / 'manuscript' / '01-the-first-chapter.md'  # text added ABOVE the reader
        added = 'A new paragraph, added while the browser was open.\n\n' * 6
        text = first.read_text(encoding='utf-8')
        first.write_text(text.replace('Every `.md` file', added + 'Every `.md` file'), encoding='utf-8')
        await page.until("window.notReloaded === undefined && document.readyState === 'complete' && "
                         "document.body.innerText.includes('added while the browser was open')")
        await asyncio.sleep(0.5)  # the script restores the place on 'load'
        after = await page.js("document.getElementById('the-second-chapter').getBoundingClientRect().top")
        assert abs(after - before) < 5, (before, after)  # still reading the same place

        chapter = book / CHAPTER
        chapter.write_text(chapter.read_text(encoding='utf-8') + '\n![A map](nowhere.png)\n',
                           encoding='utf-8')
        shown = await page.until("(document.getElementById('make-book-preview') || {}).textContent")
        await page.until("document.getElementById('make-book-preview').textContent.includes('MB305')")
        assert 'the book did not build' in shown or 'building' in shown


def test_the_page_reloads_itself_and_keeps_the_readers_place(new_book: Path) -> None:  # noqa: F811
    served = Served(new_book, '--format', 'html')
    profile = tempfile.mkdtemp(prefix='make-book-chromium-')
    browser = None
    try:
        served.wait_for(lambda s: 'html' in s['outputs'] and not s['building'], 'the first build')
        browser, port = start_chromium(profile)
        asyncio.run(asyncio.wait_for(drive(port, served.url, new_book), timeout=300))
    finally:
        if browser is not None:
            browser.kill()
            browser.wait(timeout=60)
        shutil.rmtree(profile, ignore_errors=True)
        code, err = served.stop()
    assert code == 0, err
