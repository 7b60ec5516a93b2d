"""Like a compiler: one run reports every problem of every file, then fails, writing nothing.

A file that cannot be read (not UTF-8, broken YAML) is left out and the other
files are still read, rendered and checked, so their problems come in the same run.
"""

from __future__ import annotations

from pathlib import Path

from tests.tools import make_book, tiny_png


def test_every_problem_of_every_file_is_reported_in_one_run(capsys, write_book,
                                                            tmp_path: Path) -> None:
    book = write_book({
        'metadata.yaml': 'title: Many Problems\nauthor: 42\nlang: en\n',
        '01-good.md': '# One\n\nSee [there](#nowhere) and ![a dot](dot.png).\n',
        '02-latin1.md': b'# Two\n\nplain line\n' + 'caf\u00e9\n'.encode('latin-1'),
        '03-yaml.md': '---\ntitle: [unclosed\n---\n# Three\n\nText.\n',
        '04-paths.md': '# Four\n\nText.\n\n![secret](../../etc/passwd)\n\nA note[^nope].\n',
        'dot.png': tiny_png(),
    })
    out = tmp_path / 'out'
    run = make_book(capsys, book, '-o', out)
    assert run.status == 1
    expected = [
        (f'{book}/metadata.yaml:2: MB101 error', "'author'"),
        (f'{book}/02-latin1.md:4: MB201 error', 'not valid UTF-8 (byte 21'),
        (f'{book}/03-yaml.md:2: MB203 error', 'broken YAML'),
        (f'{book}/01-good.md:3: MB302 warning', "broken link '#nowhere'"),
        (f'{book}/04-paths.md:5: MB305 error', "image '../../etc/passwd'"),
        (f'{book}/04-paths.md:7: MB306 error', "footnote reference '[^nope]'"),
    ]
    lines = run.err.splitlines()
    for where, what in expected:
        assert any(line.startswith(where) and what in line for line in lines), (where, run.err)
    assert 'the book has errors: 5 problems found' in run.err
    assert 'Traceback' not in run.err
    assert not out.exists()  # nothing written, not even the folder


def test_manuscript_files_that_are_links_out_of_the_book_are_not_read(capsys, write_book,
                                                                      tmp_path: Path) -> None:
    secret = tmp_path / 'secret.md'
    secret.write_text('title: SECRET-IN-A-LINK\n', encoding='utf-8')
    book = write_book({'01.md': '---\ntitle: T\nauthor: A\nlang: en\n---\n# One\n\nText.\n'})
    (book / '02-linked.md').symlink_to(secret)
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'epub')
    assert run.status == 1
    assert f"{book / '02-linked.md'}: MB200 error: not read: it is a symbolic link pointing outside" \
        in run.err
    (book / '02-linked.md').unlink()
    (book / 'metadata.yaml').symlink_to(secret)  # would be read as the book's metadata
    run = make_book(capsys, book, '-o', tmp_path / 'out', '--format', 'epub')
    assert run.status == 1
    assert f"{book / 'metadata.yaml'}: MB200 error: not read: it is a symbolic link pointing outside" \
        in run.err
    assert 'SECRET' not in run.err
    assert not (tmp_path / 'out').exists()


def test_an_mdbook_source_folder_outside_the_book_is_refused(capsys, write_book, tmp_path: Path) -> None:
    (tmp_path / 'elsewhere').mkdir()
    (tmp_path / 'elsewhere' / 'SUMMARY.md').write_text('- [Secret](secret.md)\n', encoding='utf-8')
    book = write_book({'book.toml': '[book]\ntitle = "T"\nsrc = "../elsewhere"\n'})
    run = make_book(capsys, book, '-o', tmp_path / 'out')
    assert run.status == 1
    assert "src '../elsewhere' is outside the book folder" in run.err
