"""build.py: the registry of output formats, what each writer is given, and what is written when.

The PDF writer is replaced by a fake that runs in the bounded child process as the real
one does (its result crosses the pipe) but takes no layout time; the EPUB writer by one
that records what it was given. The web edition's writer is the real one.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from makebook import build as build_module
from makebook.build import FORMATS_REGISTRY, BuildOptions, make_formats
from makebook.errors import BookError, OutputError, Severity
from makebook.model import FORMATS, PrintedBook, PrintOverrides, PrintPages, RenderedBook
from makebook.safety.output import TEMP_PREFIX
from tests.tools import REPO, make_book
from tests.tools import outputs as snapshot

META = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def fake_print_edition(book: RenderedBook, cache: object = None, jobs: int = 0) -> PrintedBook:
    """A PrintedBook whose 'PDF' tells which book and print settings the writer was given."""
    settings = book.metadata.print_settings
    pdf = f'%PDF-fake {book.metadata.title} {settings.notes} {settings.pdf_variant} {settings.print_ready}'
    return PrintedBook(pdf.encode(), PrintPages((('1', book.chapters[0].id),), 'urn:fake'))


class EpubRecorder:
    """Stands for write_epub: remembers each (book, printed) it is given."""

    def __init__(self) -> None:
        self.calls: list[tuple[RenderedBook, PrintedBook | None]] = []

    def __call__(self, book: RenderedBook, printed: PrintedBook | None = None, cache: object = None) -> bytes:
        self.calls.append((book, printed))
        return b'EPUB of ' + book.metadata.title.encode()


@pytest.fixture
def fake_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr('makebook.pdf.print_edition', fake_print_edition)


@pytest.fixture
def epub_recorder(monkeypatch: pytest.MonkeyPatch) -> EpubRecorder:
    recorder = EpubRecorder()
    monkeypatch.setattr('makebook.epub.write_epub', recorder)
    return recorder


# ---- the registry

def test_a_format_is_made_after_the_formats_it_uses() -> None:
    names = [fmt.name for fmt in FORMATS_REGISTRY]
    assert sorted(names) == sorted(FORMATS)
    for index, fmt in enumerate(FORMATS_REGISTRY):
        assert set(fmt.uses) <= set(names[:index]), fmt.name
    assert {fmt.name: fmt.uses for fmt in FORMATS_REGISTRY}['epub'] == ('pdf',)  # its page-list


def test_each_format_names_a_writer_that_exists_and_where_it_goes() -> None:
    for fmt in FORMATS_REGISTRY:
        assert callable(build_module._writer(fmt)), fmt.writer
    assert [(fmt.name, fmt.target('a-book'), fmt.bounded) for fmt in FORMATS_REGISTRY] == [
        ('pdf', 'a-book.pdf', True), ('epub', 'a-book.epub', False), ('html', 'html', False)]


# ---- make_formats

def test_the_epub_writer_gets_the_print_edition_only_when_the_pdf_is_built(
        nested_book: RenderedBook, fake_pdf: None, epub_recorder: EpubRecorder) -> None:
    made = make_formats(nested_book, ('epub',))
    assert made == {'epub': b'EPUB of The Test Book'}
    assert epub_recorder.calls == [(nested_book, None)]

    made = make_formats(nested_book, ('epub', 'pdf'))
    printed = fake_print_edition(nested_book)
    assert epub_recorder.calls[1] == (nested_book, printed)  # made in the child, passed on whole
    assert made == {'pdf': printed.pdf, 'epub': b'EPUB of The Test Book'}  # the PDF's bytes, not the object

    made = make_formats(nested_book, ('pdf', 'html'))
    assert len(epub_recorder.calls) == 2  # no EPUB asked: its writer never runs
    assert set(made) == {'pdf', 'html'}
    assert 'index.html' in made['html']


def test_formats_are_made_in_registry_order_whatever_order_they_are_asked_in(
        nested_book: RenderedBook, fake_pdf: None, epub_recorder: EpubRecorder) -> None:
    made = make_formats(nested_book, ('html', 'epub', 'pdf'))
    assert list(made) == ['pdf', 'epub', 'html']
    assert epub_recorder.calls[0][1] is not None


# ---- build: what is written

@pytest.fixture
def small_book(write_book) -> Path:
    return write_book({'01.md': META + '# One\n\nText.\n\n# Two\n\nMore.\n'})


def test_outputs_are_listed_in_the_command_line_order_relative_to_the_folder_given(
        small_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_pdf: None) -> None:
    monkeypatch.chdir(tmp_path)
    result = build_module.build(BuildOptions(small_book, Path('build'), formats=('html', 'pdf', 'epub')))
    # Made PDF first (the EPUB uses it), listed as the command line lists the formats.
    assert result.outputs == (Path('build/t.epub'), Path('build/t.pdf'), Path('build/html/index.html'))
    assert all((tmp_path / path).is_file() for path in result.outputs)
    assert (tmp_path / 'build/t.pdf').read_bytes().startswith(b'%PDF-fake T footnotes tagged False')
    assert result.warnings == ()


@pytest.mark.parametrize(('failing', 'error', 'reported'), [
    ('pdf', OutputError('PDF: the writer failed', code='MB603'), 'MB603'),  # crosses the pipe whole
    ('pdf', RuntimeError('a bug in a writer'), 'MB025'),  # anything else: 'a renderer failed'
    ('html', OutputError('the writer failed', code='MB012'), 'MB012'),
    ('html', RuntimeError('a bug in a writer'), None),  # raised as it is
])
def test_a_writer_that_fails_leaves_the_previous_outputs_untouched(
        small_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_pdf: None,
        failing: str, error: Exception, reported: str | None) -> None:
    out = tmp_path / 'out'
    build_module.build(BuildOptions(small_book, out))
    before = snapshot(out)
    assert set(before) >= {'t.epub', 't.pdf', 'html/index.html', 'html/style.css'}
    (small_book / '01.md').write_text(META + '# One\n\nChanged, so every output would change.\n')

    def fail(*args: object, **keywords: object) -> None:
        raise error
    writers = {'pdf': 'makebook.pdf.print_edition', 'html': 'makebook.web.web_edition'}
    monkeypatch.setattr(writers[failing], fail)
    # The PDF is made first, in its child; the web edition last, the others already made.
    for folder in (out, tmp_path / 'fresh'):
        with pytest.raises((OutputError, RuntimeError)) as raised:
            build_module.build(BuildOptions(small_book, folder))
        assert getattr(raised.value, 'code', None) == reported
    assert snapshot(out) == before
    assert snapshot(tmp_path / 'fresh') == {}
    assert not [p for p in tmp_path.rglob('*') if p.name.startswith(TEMP_PREFIX)]


def test_strict_mode_fails_on_warnings_before_writing_anything(write_book, tmp_path: Path) -> None:
    book = write_book({'01.md': '---\ntitle: T\nauthor: A\n---\n# One\n\nText.\n'})  # no 'lang'
    relaxed = build_module.build(BuildOptions(book, tmp_path / 'relaxed', formats=('epub',)))
    assert [(w.code, w.severity) for w in relaxed.warnings] == [('MB105', Severity.WARNING)]
    assert relaxed.outputs == (tmp_path / 'relaxed' / 't.epub',)
    with pytest.raises(BookError, match='1 warning in --strict mode') as raised:
        build_module.build(BuildOptions(book, tmp_path / 'strict', formats=('epub',), strict=True))
    assert [d.code for d in raised.value.diagnostics] == ['MB105']
    assert not (tmp_path / 'strict').exists()



def late_note_print_edition(book: RenderedBook, cache: object = None, jobs: int = 0) -> PrintedBook:
    """A print edition that, as the real one can, set a note a page late (MB607, at its line)."""
    from makebook import codes

    printed = fake_print_edition(book)
    warning = codes.NOTE_ON_NEXT_PAGE("the footnote 'fn-1' is set whole at the foot of the next page",
                                      book.root / '01.md', 10)
    return PrintedBook(printed.pdf, printed.pages, (warning,))


NOTED = '# One\n\nText.[^1]\n\n[^1]: A note.\n'


@pytest.mark.parametrize('in_turn', [False, True], ids=['build', 'watch'])
def test_a_warning_only_the_layout_finds_is_failed_by_strict_and_filtered_by_ignore(
        write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_turn: bool) -> None:
    """MB607 (a note set a page late) is known only once the PDF is laid out, and yet behaves
    as every warning: reported; with --strict a failed build that writes no PDF; silenced by
    the book's ``ignore:`` list (everywhere, or in the files its glob names), in a build and
    in the watch loop's build."""
    monkeypatch.setattr('makebook.pdf.print_edition', late_note_print_edition)
    book = write_book({'01.md': META + NOTED})

    def run(out: Path, strict: bool = False) -> tuple[str, ...]:
        options = BuildOptions(book, out, formats=('pdf', 'html'), strict=strict)
        if in_turn:
            result = build_module.build_in_turn(options, ('html', 'pdf'), lambda made: None)
        else:
            result = build_module.build(options)
        return tuple(w.code for w in result.warnings)

    assert run(tmp_path / 'relaxed') == ('MB607',)
    assert (tmp_path / 'relaxed' / 't.pdf').is_file()
    with pytest.raises(BookError, match='1 warning in --strict mode') as raised:
        run(tmp_path / 'strict', strict=True)
    assert [(d.code, d.path, d.line) for d in raised.value.diagnostics] == [('MB607', book / '01.md', 10)]
    assert not (tmp_path / 'strict' / 't.pdf').exists()
    ignores = {'everywhere': '[MB607]', 'here': '[{code: MB607, files: "0*.md"}]',
               'elsewhere': '[{code: MB607, files: "notes/*.md"}]'}
    for name, ignore in ignores.items():
        (book / '01.md').write_text(META.removesuffix('---\n') + f'make-book:\n  ignore: {ignore}\n---\n'
                                    + NOTED)
        if name == 'elsewhere':
            assert run(tmp_path / name) == ('MB607',)
        else:
            assert run(tmp_path / name, strict=True) == ()
            assert (tmp_path / name / 't.pdf').is_file()

# ---- print settings from the command line

PRINT_META = ('---\ntitle: T\nauthor: A\nlang: en\nnotes: chapter-endnotes\npdf-variant: pdf/ua-1\n'
              'print-ready: false\n---\n# One\n\nText.\n')


@pytest.mark.parametrize(('overrides', 'expected'), [
    (PrintOverrides(), ('chapter-endnotes', 'pdf/ua-1', False)),
    (PrintOverrides(notes='footnotes'), ('footnotes', 'pdf/ua-1', False)),
    (PrintOverrides(notes='book-endnotes', pdf_variant='pdf/x-4', print_ready=True),
     ('book-endnotes', 'pdf/x-4', True)),
])
def test_print_overrides_reach_the_metadata_every_writer_reads(
        write_book, tmp_path: Path, fake_pdf: None, epub_recorder: EpubRecorder,
        overrides: PrintOverrides, expected: tuple[str, str, bool]) -> None:
    book = write_book({'01.md': PRINT_META})
    options = BuildOptions(book, tmp_path / 'out', formats=('epub', 'pdf'), print_overrides=overrides)
    build_module.build(options)
    settings = epub_recorder.calls[0][0].metadata.print_settings
    assert (settings.notes, settings.pdf_variant, settings.print_ready) == expected
    notes, variant, ready = expected  # and the PDF writer, in its own process, saw the same
    assert (tmp_path / 'out' / 't.pdf').read_bytes() == f'%PDF-fake T {notes} {variant} {ready}'.encode()


def test_the_command_line_print_options_become_the_overrides(
        write_book, tmp_path: Path, capsys, epub_recorder: EpubRecorder) -> None:
    book = write_book({'01.md': PRINT_META})
    run = make_book(capsys, book, '-o', tmp_path / 'out', '-f', 'epub', '--notes', 'book-endnotes',
                    '--pdf-variant', 'pdf/a-3b', '--print-ready')
    assert run.status == 0, run.err
    settings = epub_recorder.calls[0][0].metadata.print_settings
    assert (settings.notes, settings.pdf_variant, settings.print_ready) == ('book-endnotes', 'pdf/a-3b', True)


def test_a_character_no_face_has_stops_only_the_pdf(write_book, tmp_path: Path, capsys) -> None:
    """A missing glyph never blocks the EPUB or the web edition: they are written, the PDF is
    not, and the build says so and fails (exit 1)."""
    folder = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nA 𓀀 here.\n'})
    run = make_book(capsys, folder, '-o', tmp_path / 'out')
    assert run.status == 1
    assert f'{folder / "01.md"}:8: MB404 error: the character' in run.err
    assert 'the PDF was not made (1 problem); written: ' in run.err
    assert sorted(p.name for p in (tmp_path / 'out').iterdir() if not p.name.startswith('.')) == [
        'html', 't.epub']
    run = make_book(capsys, folder, '-o', tmp_path / 'pdf-only', '--format', 'pdf')
    assert run.status == 1 and not (tmp_path / 'pdf-only').exists()


# ---- the web edition made beside the EPUB (a long book's: build.BESIDE_CHARACTERS)

LONG = {'01.md': META + '# One\n\nText of one.[^1]\n\n[^1]: A note.\n',
        '02.md': '# Two\n\nSee [one](01.md). Text of two.\n', '03.md': '# Three\n\nText of three.\n'}


def _build_epub_and_web(book: Path, out: Path, caplog: pytest.LogCaptureFixture) -> str:
    caplog.clear()
    with caplog.at_level('INFO', logger='makebook'):
        build_module.build(BuildOptions(book, out, formats=('epub', 'html')))
    return next(r.getMessage() for r in caplog.records if r.getMessage().startswith('Cache: '))


def test_the_web_edition_made_beside_the_epub_is_the_one_made_after_it(
        write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Made in a child process while the EPUB is made (a first build's conversions written there
    too), the web edition, the EPUB and the cache the build leaves are those made one after the
    other; the child's cache entries count as the build's (reused next time, kept by the sweep)."""
    from makebook.cache import FOLDER
    from makebook.epub.cover import typographic_cover
    from makebook.safety import limits

    monkeypatch.setenv('SOURCE_DATE_EPOCH', '1764288000')
    monkeypatch.setattr('makebook.web.LONG_BOOK_WORDS', 0)  # a page a chapter, each kept in the cache
    book = write_book(LONG)
    in_turn = tmp_path / 'in-turn'
    assert _build_epub_and_web(book, in_turn, caplog) == 'Cache: 0 reused, 6 made'
    started = []
    real = limits.beside
    monkeypatch.setattr(limits, 'beside', lambda *args: started.append(args[0]) or real(*args))
    monkeypatch.setattr(build_module, 'BESIDE_CHARACTERS', 0)
    beside = tmp_path / 'beside'
    assert _build_epub_and_web(book, beside, caplog) == 'Cache: 0 reused, 6 made'
    assert started == [typographic_cover, build_module._web_edition_beside]  # (the cover: epub/cover.py)
    assert snapshot(beside) == snapshot(in_turn)

    def entries(out: Path) -> list[str]:  # but the nothing-changed record, keyed by the output folder
        return sorted(str(p.relative_to(out)) for p in (out / FOLDER).rglob('*')
                      if p.is_file() and 'fresh' not in p.parts)
    assert entries(beside) == entries(in_turn)
    assert any('/web/page/' in f'/{entry}' for entry in entries(beside))
    # Warm (the cache alone copied: a full build): every entry reused, the child's too, none swept.
    warm = tmp_path / 'warm'
    shutil.copytree(beside / FOLDER, warm / FOLDER)
    assert _build_epub_and_web(book, warm, caplog) == 'Cache: 9 reused, 0 made'
    assert entries(warm) == entries(in_turn) and started.count(build_module._web_edition_beside) == 2
    assert snapshot(warm) == snapshot(in_turn)


@pytest.mark.parametrize('trouble', ['raises', 'warns'])
def test_a_web_edition_the_child_could_not_make_is_made_by_the_build(
        write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        trouble: str) -> None:
    """Whatever goes wrong in the child, the build makes the web edition itself, as it always did
    (an error or warning of the writer's is then the build's own, as before), and writes the
    cache entries the child left unwritten."""
    monkeypatch.setenv('SOURCE_DATE_EPOCH', '1764288000')
    monkeypatch.setattr('makebook.web.LONG_BOOK_WORDS', 0)
    book = write_book(LONG)
    _build_epub_and_web(book, tmp_path / 'in-turn', caplog)
    real = build_module._web_edition_beside

    def troubled(*args: object) -> object:
        if trouble == 'raises':
            raise RuntimeError('a bug in the child')
        import warnings
        warnings.warn('something a library says', UserWarning, stacklevel=1)
        return real(*args)  # type: ignore[arg-type]
    monkeypatch.setattr(build_module, '_web_edition_beside', troubled)
    monkeypatch.setattr(build_module, 'BESIDE_CHARACTERS', 0)
    assert _build_epub_and_web(book, tmp_path / 'beside', caplog) == 'Cache: 0 reused, 6 made'
    assert snapshot(tmp_path / 'beside') == snapshot(tmp_path / 'in-turn')


def test_the_web_edition_starts_before_the_checks_and_a_book_with_errors_stops_it(
        write_book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a PDF the child starts as soon as the book is rendered, so the web edition is
    made while the book is checked; the checks finding errors stop it, and it wrote nothing
    (it waits to be told the cache's folder: a book with errors leaves no output folder)."""
    from makebook import codes
    from makebook.safety import limits

    book = write_book(LONG)
    children: list[limits.Beside] = []
    real = limits.beside

    def started(*args: object) -> limits.Beside | None:
        child = real(*args)  # type: ignore[arg-type]
        if child is not None and args[0] is build_module._web_edition_beside:
            children.append(child)
        return child

    def errors(rendered: RenderedBook, formats: object = (), author: bool = False) -> list[object]:
        assert len(children) == 1 and children[0].pid is not None  # already making the web edition
        return [codes.DUPLICATE_BOOK_ID("the id 'x' is used 2 times in the book")]
    monkeypatch.setattr(limits, 'beside', started)
    monkeypatch.setattr(build_module, 'BESIDE_CHARACTERS', 0)
    monkeypatch.setattr(build_module, 'check_book', errors)
    with pytest.raises(BookError, match='the book has errors'):
        build_module.build(BuildOptions(book, tmp_path / 'out', formats=('epub', 'html')))
    assert children[0].pid is None and children[0].tell_end == -1  # stopped, waited for
    assert not (tmp_path / 'out').exists()
    # With a PDF it waits for the EPUB (not through the PDF's layout): not before the checks.
    children.clear()
    monkeypatch.setattr(build_module, 'check_book', lambda *args, **kwargs: [])
    early: list[limits.Beside] = []
    build_module._web_edition_early(early, ('pdf', 'epub', 'html'), build_module.Cache.off(), 0,
                                    build_module.render_book(build_module.read(BuildOptions(book))))
    assert early == [] and children == []


@pytest.mark.parametrize(('formats', 'started'), [(('-f', 'epub'), 1), (('-f', 'html,pdf'), 0), ((), 1)])
def test_the_command_starts_the_book_faces_deflate_when_an_epub_may_be_made(
        write_book, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch,
        formats: tuple[str, ...], started: int) -> None:
    """Before the pipeline is imported (its import leaves a core idle), when the EPUB is asked
    for or the book's settings choose: the same outputs either way (tests/unit/epub)."""
    from makebook.theme import deflated

    calls: list[None] = []
    monkeypatch.setattr(deflated, 'deflate_book_face', lambda: calls.append(None))
    monkeypatch.setattr(build_module, 'FORMATS_REGISTRY', tuple(  # the build's own call left out
        dataclasses.replace(f, early='') for f in build_module.FORMATS_REGISTRY))
    book = write_book({'01.md': META + '# One\n\nText.\n'})
    assert make_book(capsys, 'build', book, '-o', tmp_path / 'out', '-q', *formats).status == 0
    assert len(calls) == started


def test_a_build_that_downloads_nothing_loads_no_network_module(small_book: Path, tmp_path: Path) -> None:
    """ssl, http.client and urllib.request (and importlib.metadata, which Python-Markdown reads
    extensions' names with) cost a build's start a few hundredths of a second: loaded only to
    download (safety/pinned.py)."""
    script = ('import sys; from makebook.cli import main; status = main(sys.argv[1:]); '
              'print(sorted(m for m in ("ssl", "http.client", "urllib.request", "importlib.metadata") '
              'if m in sys.modules)); sys.exit(status)')
    env = {**os.environ, 'PYTHONPATH': str(REPO / 'src')}
    run = subprocess.run([sys.executable, '-c', script, 'build', str(small_book), '-o', str(tmp_path / 'out'),
                          '-q', '-f', 'epub,html'], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.splitlines()[-1] == '[]'
