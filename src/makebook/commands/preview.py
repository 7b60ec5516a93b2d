"""The preview server of ``make-book serve``: the output folder, a live script, events, a status page.

An aiohttp server on 127.0.0.1 (another address only when asked) serves the
output folder and nothing else (no file or folder whose name starts with a
dot: not the cache, not a temporary; nothing through a link out of it). The
web edition gets a small script (added as it is served, never written to the
output) that listens to the server's events (server-sent events): after each
rebuild the page reloads itself and scrolls back to the paragraph the author
was reading; a failed build shows its problems over the page.
``/_make-book/`` lists the EPUB and the PDF with the time each was built.
"""

from __future__ import annotations

import asyncio
import html
import json
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from makebook import codes
from makebook.commands.common import shown_diagnostic
from makebook.errors import UsageError

if TYPE_CHECKING:
    from makebook.commands.loop import Event

PORT_TRIES = 10  # the default port taken: the next free one of these
PREFIX = '/_make-book/'
LIVE_SCRIPT = Path(__file__).with_name('live.js')


class Preview:
    """The preview server: the output folder, the live script, the events, the status page."""

    def __init__(self, out_dir: Path, slug: str) -> None:
        self.out_dir = out_dir
        self.slug = slug
        self.loop: asyncio.AbstractEventLoop | None = None
        self.clients: set[asyncio.Queue[str | None]] = set()
        self.state: dict[str, Any] = {'building': True, 'error': None, 'problems': [], 'warnings': [],
                                      'outputs': {}, 'built': None}

    # ------------------------------------------------------------ the builder's events

    def listen(self, event: Event) -> None:
        """Called in the builder's thread: update the state and tell the browsers."""
        if self.loop is None:
            return
        self.loop.call_soon_threadsafe(self._on_event, event)

    def _on_event(self, event: Event) -> None:
        if event.kind == 'building':
            self.state['building'] = True
            self._send('building', {'changed': list(event.changed)})
        elif event.kind == 'output' and event.output is not None:
            made = event.output
            self.state['outputs'][made.format] = {'path': str(made.path), 'size': made.size,
                                                  'pages': made.pages, 'built': event.when,
                                                  'seconds': round(made.seconds, 2)}
            self.state['error'] = None
            self.state['problems'] = []
            self._send('reload' if made.format == 'html' else 'output', {'format': made.format})
        elif event.kind == 'built' and event.result is not None:
            self.state.update(building=False, built=event.when,
                              warnings=[str(shown_diagnostic(w)) for w in event.result.warnings])
            self._send('built', {'seconds': round(event.seconds, 2), 'warnings': self.state['warnings']})
        elif event.kind == 'failed' and event.error is not None:
            problems = [str(shown_diagnostic(d)) for d in event.error.diagnostics]
            code = f'{event.error.code} ' if event.error.code else ''
            self.state.update(building=False, error=f'{code}error: {event.error}', problems=problems)
            self._send('failed', {'error': self.state['error'], 'problems': problems})

    def _send(self, name: str, data: dict[str, Any]) -> None:
        message = f'event: {name}\ndata: {json.dumps(data)}\n\n'
        for queue in list(self.clients):
            queue.put_nowait(message)

    # ------------------------------------------------------------ the server

    async def start(self, host: str, port: int | None, default_port: int) -> tuple[web.AppRunner, str]:
        @web.middleware
        async def no_hidden_files(request: web.Request, handler: Any) -> web.StreamResponse:
            if _hidden(request.path):
                raise web.HTTPNotFound
            response: web.StreamResponse = await handler(request)
            return response

        app = web.Application(middlewares=[no_hidden_files])
        app.router.add_get('/', self._root)
        app.router.add_get(PREFIX, self._status_page)
        app.router.add_get(PREFIX + 'events', self._events)
        app.router.add_get(PREFIX + 'status.json', self._status_json)
        app.router.add_get(PREFIX + 'live.js', self._script)
        app.router.add_get('/html/', self._index)
        app.router.add_get('/html/index.html', self._index)
        app.router.add_get('/{path:.+}', self._file)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        tries = [port] if port is not None else [default_port + n for n in range(PORT_TRIES)]
        for candidate in tries:
            try:
                listening = _listen(host, candidate)
            except OSError as exc:
                if candidate != tries[-1]:
                    continue
                await runner.cleanup()
                raise UsageError(f'cannot listen on {host}:{candidate} ({exc.strerror}); choose '
                                 'another port with --port', code=codes.PORT_TAKEN.id) from None
            await web.SockSite(runner, listening).start()
            shown_host = host if ':' not in host else f'[{host}]'
            return runner, f'http://{shown_host}:{listening.getsockname()[1]}/'
        raise AssertionError('unreachable')

    async def close(self) -> None:
        for queue in list(self.clients):
            queue.put_nowait(None)  # each open event stream ends

    async def _root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound('/html/')

    async def _index(self, request: web.Request) -> web.StreamResponse:
        """The web edition's page, with the live script; a waiting page until it is built."""
        page = self.out_dir / 'html' / 'index.html'
        try:
            text = page.read_text(encoding='utf-8')
        except OSError:
            text = WAITING_PAGE
        tag = f'<script src="{PREFIX}live.js" defer="defer"></script>'
        text = text.replace('</head>', f'{tag}</head>', 1) if '</head>' in text else tag + text
        return web.Response(text=text, content_type='text/html', headers=_NO_STORE)

    async def _file(self, request: web.Request) -> web.StreamResponse:
        """A file of the output folder (never outside it, never through a link out of it)."""
        relative = request.match_info['path']
        target = (self.out_dir / relative).resolve()
        if not target.is_relative_to(self.out_dir) or not target.is_file():
            raise web.HTTPNotFound
        return web.FileResponse(target, headers=_NO_STORE)

    async def _script(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=LIVE_SCRIPT.read_text(encoding='utf-8'),
                            content_type='text/javascript', headers=_NO_STORE)

    async def _status_json(self, request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state, headers=_NO_STORE)

    async def _status_page(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=status_page(self.state, self.slug), content_type='text/html',
                            headers=_NO_STORE)

    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: building, reload, output, built, failed; a comment line now and then
        to keep the connection open."""
        response = web.StreamResponse(headers={'Content-Type': 'text/event-stream', **_NO_STORE})
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.clients.add(queue)
        try:
            await response.write(b': make-book preview\nretry: 500\n\n')
            if self.state['error']:  # a browser that opens the page after a failed build sees it too
                failed = {'error': self.state['error'], 'problems': self.state['problems']}
                await response.write(f'event: failed\ndata: {json.dumps(failed)}\n\n'.encode())
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), timeout=15)
                except TimeoutError:
                    message = ': still here\n\n'
                if message is None:
                    break
                await response.write(message.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.clients.discard(queue)
        return response


_NO_STORE = {'Cache-Control': 'no-store'}


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: one the system picks)."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(100)
    except OSError:
        listening.close()
        raise
    return listening


def _hidden(path: str) -> bool:
    """A path with a part starting with a dot: the cache, a temporary, a file of the author's."""
    return any(part.startswith('.') for part in path.split('/') if part)


WAITING_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>make-book: building</title>
<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}</style>
</head><body><h1>Building the book…</h1>
<p>The web edition appears here as soon as it is built, and after every save.</p></body></html>"""


def status_page(state: dict[str, Any], slug: str) -> str:
    """The preview's own page: each edition with its size and the time it was built."""
    rows = []
    names = {'html': ('Web edition', 'html/'), 'epub': ('EPUB', f'{slug}.epub'),
             'pdf': ('PDF', f'{slug}.pdf')}
    for name, (label, href) in names.items():
        made = state['outputs'].get(name)
        if made is None:
            rows.append(f'<tr><th>{label}</th><td colspan="3">not built yet in this session</td></tr>')
            continue
        built = time.strftime('%H:%M:%S', time.localtime(made['built']))
        pages = f"{made['pages']} pages, " if made.get('pages') else ''
        rows.append(f'<tr><th><a href="/{html.escape(href)}">{label}</a></th>'
                    f"<td>{html.escape(made['path'])}</td><td>{pages}{made['size'] / 1024:.0f} KB</td>"
                    f'<td>built at <time>{built}</time> in {made["seconds"]} s</td></tr>')
    error = ''
    if state['error']:
        problems = '\n'.join(html.escape(p) for p in state['problems'])
        error = (f'<section class="error"><h2>The last build failed</h2><pre>{problems}\n'
                 f"{html.escape(state['error'])}</pre></section>")
    busy = '<p class="busy">Building…</p>' if state['building'] else ''
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><title>make-book preview: {html.escape(slug)}</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}}
th,td{{text-align:left;padding:.3rem 1rem .3rem 0}} .error pre{{white-space:pre-wrap;color:#a00}}
.busy{{color:#666}}</style>
<script>(function(){{var s=new EventSource('{PREFIX}events');
['output','reload','built','failed'].forEach(function(n){{s.addEventListener(n,function(){{location.reload();}});}});
}})();</script></head>
<body><h1>The book as built</h1>{busy}<table>{''.join(rows)}</table>{error}
<p>make-book rebuilds after every save: the web edition first, then the EPUB, then the PDF.</p>
</body></html>"""


