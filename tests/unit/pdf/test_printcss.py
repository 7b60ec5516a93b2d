"""A book's print stylesheet keeps make-book's line breaking when it declares nothing that moves a
line's end (issue 15, point 5)."""

from __future__ import annotations

from makebook.pdf.printcss import leaves_text_alone


def test_colours_breaks_running_heads_and_vertical_space_leave_the_text_alone() -> None:
    assert leaves_text_alone('')
    assert leaves_text_alone('h1, h2 { color: #234; break-before: page; margin-top: 2em }\n'
                             'blockquote { border-left-color: grey; line-height: 1.4 }\n'
                             '@media print { a { text-decoration: underline } }\n'
                             '@page { background: white; @top-center { content: string(chapter-title);'
                             ' font-size: 8pt; letter-spacing: 0.2em } }\n'
                             '@font-face { font-family: Ornament; src: url(ornament.woff2) }')


def test_a_font_a_size_a_margin_or_generated_text_does_not() -> None:
    for css in ('body { font-family: Garamond }', 'p { font-size: 11pt }', 'p { word-spacing: 0.1em }',
                '@page { margin: 1in }', '@page { size: A5 }', 'p::before { content: "¶ " }',
                'blockquote { margin-left: 3em }', '@import "more.css";', 'p { color: red; font: 12pt serif',
                '@supports (display: grid) { p { color: red } }', 'p { & em { color: red } }'):
        assert not leaves_text_alone(css), css
