"""Book-scale speed (issue 13): make-book on a generated 200,000-word book, side by side with
Pandoc and with a naive single WeasyPrint render; prints a table and writes JSON.

    python benchmarks/speed.py [--runs 3] [--words 200000] [--files 120] [--json speed.json]
                               [--book FOLDER] [--only epub,pandoc,naive,full,...]

Each figure is the median of ``--runs`` runs of a fresh ``make-book`` process (as a user
runs it), with its peak resident memory (the largest sum over make-book and its child
processes, sampled every 20 ms, or the kernel's own maximum of any one process if larger),
both as RSS (a forked child's pages still shared with its parent counted twice) and as PSS
(the memory the build really takes: each shared page divided between its sharers):

1. make-book's EPUB + web edition vs Pandoc's EPUB of the same Markdown files;
2. make-book's full build (EPUB, PDF, web) vs the naive baseline: one ``weasyprint``
   command, in one process, on make-book's own print HTML and stylesheets;
3. a rebuild with nothing changed; a rebuild after one chapter is edited (one word
   replaced; one paragraph added);
4. the peak memory of a full build of the first 1/4, 1/2 and all of the chapter files;
5. ``make-book --help``.

Wall seconds and CPU seconds (the command's and its children's) are both shown: on a
shared machine the wall time measures the load as much as make-book. Every build runs
with ``SOURCE_DATE_EPOCH`` pinned, after make-book's own bytecode is written (as an installed
make-book has it; see :func:`compile_make_book`). Asserts nothing: it prints figures.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bigbook import write_big_book  # the shared generator, beside this script

EPOCH = '1764288000'
# A large book on a loaded machine can take longer than the PDF's default time bound.
BOUNDS = {'MAKEBOOK_PDF_SECONDS': '86400'}
Run = tuple[float, float, int, float, float]  # seconds, peak MB, exit status, CPU s, peak PSS MB
MEASURES = ('epub', 'pandoc', 'naive', 'full', 'unchanged', 'edits', 'sizes', 'help')


def make_book() -> list[str]:
    script = shutil.which('make-book', path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, '-m', 'makebook']


def compile_make_book() -> int:
    """Write the bytecode of make-book's own modules, as installing a wheel does, and return how
    many modules were compiled now. An editable install writes it at the first run, but not
    where PYTHONDONTWRITEBYTECODE is set (as on this machine): then every measured run compiled
    the ~100 modules a build imports again (about 0.4 CPU s, a fifth of the EPUB + web figure),
    a cost no installed make-book pays. The libraries' bytecode is written by pip."""
    spec = importlib.util.find_spec('makebook')
    folders = list(spec.submodule_search_locations or []) if spec else []
    before = sum(1 for folder in folders for _ in Path(folder).rglob('*.pyc'))
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return sum(1 for folder in folders for _ in Path(folder).rglob('*.pyc')) - before


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident bytes of ``root`` and every process under it (from /proc): the sum of their
    RSS, which counts twice the pages a forked child still shares with its parent, and the
    sum of their PSS (each shared page divided between the processes sharing it)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf('SC_PAGE_SIZE')
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat', encoding='ascii', errors='replace') as stream:
                fields = stream.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * page
    total, proportional, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        proportional += _pss(pid)
        stack.extend(children.get(pid, ()))
    return total, proportional


def _pss(pid: int) -> int:
    try:
        with open(f'/proc/{pid}/smaps_rollup', encoding='ascii') as stream:
            for line in stream:
                if line.startswith('Pss:'):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def run(argv: list[str], env: dict[str, str] | None = None) -> Run:
    """(seconds, peak MB, exit status, CPU seconds, peak PSS MB) of one command."""
    peak = peak_pss = 0
    start = time.perf_counter()
    process = subprocess.Popen(argv, env={**os.environ, 'SOURCE_DATE_EPOCH': EPOCH, **BOUNDS, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.wait(0.02):
            rss, pss = _tree_memory(process.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors='replace') if process.stderr else ''
    if process.returncode != 0:
        print(f'  ! {" ".join(argv[-6:])}: exit {process.returncode}: {stderr.strip()[-300:]}')
    # CPU time of the command and every process it waited for (the PDF child, workers).
    cpu = usage.ru_utime + usage.ru_stime
    return (seconds, max(peak, usage.ru_maxrss * 1024) / 2**20, process.returncode, cpu,
            (peak_pss or usage.ru_maxrss * 1024) / 2**20)  # a command too short to sample: its own


class Figures(dict[str, dict[str, float]]):
    """The figures by name, each printed as it is measured (a whole run takes a while)."""

    def __init__(self) -> None:
        super().__init__()
        self.failed: dict[str, str] = {}  # a measure whose runs failed: why, and no figure

    def __setitem__(self, name: str, figure: dict[str, float]) -> None:
        if 'failed' in figure:  # a build that failed is not a figure: said, and kept out
            self.failed[name] = f'{figure["failed"]:.0f} of {figure["runs"]:.0f} runs exited non-zero'
            print(f'  {name}: FAILED ({self.failed[name]}; no figure)', flush=True)
            return
        print(f'  {name}: {figure["seconds"]:.2f} s, {figure["cpu_seconds"]:.2f} CPU s, '
              f'{figure["peak_mb"]:.0f} MB (PSS {figure["peak_pss_mb"]:.0f} MB)', flush=True)
        super().__setitem__(name, figure)


def median(runs: list[Run]) -> dict[str, float]:
    failed = sum(1 for r in runs if r[2] != 0)
    if failed:
        return {'failed': failed, 'runs': len(runs)}
    return {'seconds': statistics.median(r[0] for r in runs), 'peak_mb': max(r[1] for r in runs),
            'peak_pss_mb': max(r[4] for r in runs),
            'cpu_seconds': statistics.median(r[3] for r in runs), 'runs': len(runs)}


def subset(book: Path, fraction: float, into: Path) -> Path:
    """The book with only the first ``fraction`` of its chapter files."""
    shutil.copytree(book, into)
    chapters = sorted(into.glob('ch*.md'))
    for path in chapters[max(1, int(len(chapters) * fraction)):]:
        path.unlink()
    return into


def naive_render(book: Path, work: Path) -> list[str]:
    """The naive baseline's command: make-book's print HTML and stylesheets written out, then
    one ``weasyprint`` run on them (one layout, one process, no make-book code)."""
    from makebook.pdf import document, engine, geometry
    from makebook.render import render_book
    from makebook.source import read_manuscript

    rendered = render_book(read_manuscript(book))
    html = work / 'print.html'
    html.write_text(document.print_html(rendered), encoding='utf-8')
    argv = [sys.executable, '-m', 'weasyprint', '-u', book.as_uri() + '/']
    # (The theme's sheets load nothing by relative URL, so they work from anywhere.)
    sheets = engine.print_stylesheets(rendered, geometry.estimate_pages(rendered))
    for index, (css, _) in enumerate(sheets):
        sheet = work / f'{index}.css'
        sheet.write_text(css, encoding='utf-8')
        argv += ['-s', str(sheet)]
    return [*argv, str(html), str(work / 'naive.pdf')]


def chapter_file(book: Path, number: int) -> Path:
    """The generated book's chapter ``number``, or a real book's ``number``-th Markdown file
    (in name order, modulo their count)."""
    path = book / f'ch{number:03d}.md'
    if path.exists():
        return path
    files = sorted(book.rglob('*.md'))
    return files[number % len(files)]


def edit_word(book: Path, number: int) -> None:
    path = chapter_file(book, number)
    text = path.read_text(encoding='utf-8')
    path.write_text(text.replace(' harbour ', ' harbor ', 1) if ' harbour ' in text
                    else text.replace(' the ', ' a ', 1), encoding='utf-8')


def add_paragraph(book: Path, number: int) -> None:
    path = chapter_file(book, number)
    text = path.read_text(encoding='utf-8')
    middle = text.index('\n\n', len(text) // 2)
    added = ' '.join(['A paragraph added while revising, long enough to fill several lines.'] * 4)
    path.write_text(text[:middle] + '\n\n' + added + text[middle:], encoding='utf-8')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--words', type=int, default=200_000)
    parser.add_argument('--files', type=int, default=120)
    parser.add_argument('--book', type=Path, help='a manuscript folder instead of the generated book')
    parser.add_argument('--json', type=Path, default=Path('speed.json'))
    parser.add_argument('--only', default=','.join(MEASURES),
                        help=f'which measures, from {",".join(MEASURES)} (default: all)')
    args = parser.parse_args()
    base = make_book()
    compiled = compile_make_book()
    results: dict[str, object] = {
        'machine': {'cores': os.cpu_count(), 'python': platform.python_version(),
                    'system': platform.platform(), 'load_before': os.getloadavg()},
        'runs': args.runs, 'bytecode_written': compiled}
    start = time.perf_counter()
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix='make-book-speed-') as temp:
        work = Path(temp)
        book = args.book.resolve() if args.book else write_big_book(work / 'book', args.words, args.files)
        if args.book:
            book = Path(shutil.copytree(book, work / 'book'))
        words = sum(len(p.read_text(encoding='utf-8').split()) for p in book.rglob('*.md'))
        print(f'{book.name}: {words} words in {len(list(book.rglob("*.md")))} files; '
              f'{os.cpu_count()} cores; median of {args.runs} runs; load {os.getloadavg()[0]:.1f}'
              + (f"; make-book's bytecode written first ({compiled} modules)" if compiled else ''))

        def build(out: Path, *extra: str) -> Run:
            return run([*base, 'build', str(book), '-o', str(out), '-q', *extra])

        only = set(args.only.split(','))
        if 'epub' in only:
            fresh = [build(work / f'epub-web-{i}', '-f', 'epub,html') for i in range(args.runs)]
            figures['make-book EPUB + web'] = median(fresh)
        pandoc = shutil.which('pandoc')
        if 'pandoc' not in only:
            pass
        elif pandoc:
            files = sorted(str(p) for p in book.glob('*.md'))
            yaml = book / 'metadata.yaml'
            metadata = [f'--metadata-file={yaml}'] if yaml.exists() else []
            figures['pandoc EPUB'] = median([run([pandoc, *metadata, f'--resource-path={book}', '-o',
                                                  str(work / 'pandoc.epub'), *files])
                                             for _ in range(args.runs)])
        else:
            print('  pandoc is not installed: no Pandoc figure')
        if 'naive' in only:
            naive = naive_render(book, work)
            figures['naive WeasyPrint render'] = median([run(naive) for _ in range(args.runs)])
        if only & {'full', 'unchanged', 'edits'}:
            full = [build(work / f'full-{i}') for i in range(args.runs)]
            figures['make-book full build'] = median(full)
        out = work / 'full-0'
        if 'unchanged' in only:
            figures['rebuild, nothing changed'] = median([build(out) for _ in range(args.runs)])
        if 'edits' in only:
            edits, paragraphs = [], []
            for i in range(args.runs):
                edit_word(book, 60 + i)
                edits.append(build(out))
                add_paragraph(book, 70 + i)
                paragraphs.append(build(out))
            figures['rebuild, one word edited'] = median(edits)
            figures['rebuild, one paragraph added'] = median(paragraphs)
        if 'sizes' in only and not args.book:
            for fraction in (0.25, 0.5):
                part = subset(book, fraction, work / f'book-{fraction}')
                figures[f'full build, {fraction:g} of the book'] = median(
                    [run([*base, 'build', str(part), '-o', str(work / f'out-{fraction}-{i}'), '-q'])
                     for i in range(args.runs)])
        if 'help' in only:
            figures['make-book --help'] = median([run([*base, '--help']) for _ in range(max(args.runs, 5))])
    results['figures'] = figures
    results['failed'] = figures.failed
    ratios = {}
    # On a loaded machine wall times mostly measure the load: each ratio in CPU seconds too.
    for name, over in (('make-book EPUB + web', 'pandoc EPUB'),
                       ('make-book full build', 'naive WeasyPrint render'),
                       ('rebuild, nothing changed', 'make-book full build'),
                       ('rebuild, one word edited', 'make-book full build'),
                       ('rebuild, one paragraph added', 'make-book full build')):
        if name in figures and over in figures:
            ratios[f'{name} / {over}'] = figures[name]['seconds'] / figures[over]['seconds']
            ratios[f'{name} / {over} (CPU)'] = figures[name]['cpu_seconds'] / figures[over]['cpu_seconds']
    results['ratios'] = ratios
    print(f'\n{"":32} {"seconds":>8} {"CPU s":>8} {"peak MB":>8} {"PSS MB":>8}')
    for name, figure in figures.items():
        print(f'{name:32} {figure["seconds"]:8.2f} {figure["cpu_seconds"]:8.2f} '
              f'{figure["peak_mb"]:8.0f} {figure["peak_pss_mb"]:8.0f}')
    for name, why in figures.failed.items():
        print(f'{name:32} FAILED: {why}')
    print()
    for name, ratio in ratios.items():
        print(f'{name:64} {ratio:6.2f}')
    results['machine']['load_after'] = os.getloadavg()
    results['benchmark_seconds'] = time.perf_counter() - start
    args.json.write_text(json.dumps(results, indent=2) + '\n', encoding='utf-8')
    print(f'\n(written to {args.json})')


if __name__ == '__main__':
    main()
