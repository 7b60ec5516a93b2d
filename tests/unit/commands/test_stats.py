"""make-book stats: words, characters, notes, images and reading time per chapter and in total."""

from __future__ import annotations

import json

from tests.tools import make_book, tiny_png

HEAD = '---\ntitle: T\nauthor: A\nlang: en\n---\n'


def test_stats_counts_each_chapter_and_the_book(capsys, write_book) -> None:
    folder = write_book({'01.md': HEAD + '# One\n\nFour words are here[^n].\n\n[^n]: A note.\n\n'
                                         '![A picture](p.png)\n',
                         '02.md': '# Two\n\n' + 'word ' * 480
                                  + '\n\n```\ncode counts too, word for word\n```\n',
                         'p.png': tiny_png()})
    run = make_book(capsys, 'stats', folder, '--json')
    assert run.status == 0, run.err
    report = json.loads(run.out)
    one, two = report['chapters']
    assert (one['title'], one['file'], one['footnotes'], one['images']) == ('One', '01.md', 1, 1)
    assert one['words'] == 1 + 4 + 2  # heading, text, the figure's caption (notes count apart)
    assert two['words'] == 1 + 480 + 6 and two['reading_minutes'] == 2.0
    assert report['total']['words'] == one['words'] + two['words']
    assert report['total']['pages'] is None and report['pages_from'] is None

    table = make_book(capsys, 'stats', folder)
    assert table.status == 0
    lines = table.out.splitlines()
    assert lines[0].split() == ['chapter', 'words', 'characters', 'notes', 'images', 'reading', 'pages']
    assert lines[2].split()[:3] == ['1', 'One', '7'] and lines[-1].split()[:2] == ['Total', '494']
    assert 'no PDF built yet' in table.err
