"""Every problem make-book reports, with its stable code, severity and a one-line hint.

A code never changes meaning once released: editors, CI scripts and a
book's ignore list may rely on it. The numbering says where a problem is
found::

    MB0xx  the command, the environment and the output folder
    MB1xx  the book's metadata
    MB2xx  reading the manuscript: files, layouts, includes
    MB3xx  the text: links, images, notes, raw HTML, math
    MB4xx  whole-book checks, run before anything is written
    MB5xx  the EPUB
    MB6xx  the PDF

README lists every code with its hint; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from makebook.errors import Diagnostic, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True, slots=True)
class Code:
    id: str  # 'MB301'
    severity: Severity
    title: str  # what went wrong, in a few words
    hint: str  # what to do about it, in one line

    def __call__(self, message: str, path: Path | None = None, line: int | None = None) -> Diagnostic:
        """A diagnostic of this kind."""
        return Diagnostic(self.id, message, path, line, self.severity)


ALL: dict[str, Code] = {}


def _code(id_: str, severity: Severity, title: str, hint: str) -> Code:
    assert id_ not in ALL, id_
    ALL[id_] = Code(id_, severity, title, hint)
    return ALL[id_]


# ---- MB0xx: the command, the environment and the output folder
NO_MANUSCRIPT = _code('MB001', ERROR, 'no such manuscript',
                      'Give the folder of .md files (or one .md file) to build, or run make-book '
                      'where ./manuscript is.')
NOT_A_MANUSCRIPT = _code('MB002', ERROR, 'not a manuscript',
                         'A manuscript is a folder of .md files or a single .md file.')
NO_MARKDOWN_FILES = _code('MB003', ERROR, 'no .md files in the folder',
                          'Put the chapters in the folder as .md files, or name the folder that has them.')
BAD_SOURCE_DATE = _code('MB004', ERROR, 'bad SOURCE_DATE_EPOCH',
                        'Set SOURCE_DATE_EPOCH to a whole number of seconds since 1970, or unset it.')
BAD_BOUND = _code('MB005', ERROR, 'bad time, memory or size bound',
                  'MAKEBOOK_*_SECONDS, MAKEBOOK_*_MEMORY_MB and MAKEBOOK_IMAGE_MEGAPIXELS take a positive '
                  'number (not inf or nan).')
MISSING_DEPENDENCY = _code('MB006', ERROR, 'a system library is missing',
                           'Install what the message names, or build the other formats only (--format).')
OUTPUT_IS_MANUSCRIPT = _code('MB010', ERROR, 'output folder holds the manuscript',
                             'Choose an output folder (-o) outside the manuscript folder.')
OUTPUT_UNCREATABLE = _code('MB011', ERROR, 'cannot create the output folder',
                           'Check the path and its permissions, or choose another with -o.')
OUTPUT_UNWRITABLE = _code('MB012', ERROR, 'cannot write an output',
                          'Check free disk space and permissions; the previous outputs are untouched.')
OUTPUT_ESCAPES = _code('MB013', ERROR, 'an output would land outside its folder',
                       'A file name of the web edition leads outside it; rename the file in the manuscript.')
OUTPUT_LOCKED = _code('MB014', ERROR, 'another build is writing into the output folder',
                      'Wait for the other make-book to finish, or choose another output folder (-o).')
OUTPUT_IN_THE_WAY = _code('MB015', ERROR, 'a file of yours is where an output goes',
                          'Move it (make-book never replaces what it did not write), or choose another -o.')
STAGE_EXHAUSTED = _code('MB020', ERROR, 'a stage ran out of stack or memory',
                        'Flatten deeply nested lists, quotes or HTML, or split a huge file.')
STAGE_TIMED_OUT = _code('MB021', ERROR, 'a stage ran out of time',
                        'Look for huge CSS values or images; raise MAKEBOOK_PDF_SECONDS for a huge book.')
STAGE_DIED = _code('MB022', ERROR, 'a renderer died',
                   'Usually out of memory: raise MAKEBOOK_PDF_MEMORY_MB, or look for a huge image.')
STAGE_OUT_OF_MEMORY = _code('MB023', ERROR, 'a stage ran out of memory',
                            'Scale huge images down, or raise MAKEBOOK_PDF_MEMORY_MB for a very large book.')
STAGE_TOO_DEEP = _code('MB024', ERROR, 'too deeply nested to lay out',
                       'Flatten deeply nested lists, quotes or HTML.')
STAGE_CRASHED = _code('MB025', ERROR, 'a renderer failed',
                      'This is a bug in make-book or a library: please report it with the manuscript.')
BUILD_TIMED_OUT = _code('MB026', ERROR, 'the build ran out of time',
                       'The stage (and file) named ran away, or the book is simply large: '
                       'raise MAKEBOOK_BUILD_SECONDS (default 3600).')
BUILD_OUT_OF_MEMORY = _code('MB027', ERROR, 'the build ran out of memory',
                            'The stage (and file) named ran away, or the book is simply large: '
                            'raise MAKEBOOK_BUILD_MEMORY_MB (default 8192).')
THEME_LOADS_OUTSIDE = _code('MB030', ERROR, "a theme stylesheet loads files outside the theme",
                            "Keep url() and @import in make-book's styles/ inside that folder.")
NOT_EMPTY = _code('MB040', ERROR, 'a folder that is not empty',
                  'make-book new writes only into a new or empty folder: name another one.')
PORT_TAKEN = _code('MB041', ERROR, 'the preview cannot listen on its port',
                   'Another program uses the port: choose another with --port (or stop the other).')

# ---- MB1xx: the book's metadata
NO_TITLE = _code('MB100', WARNING, 'no title',
                 "Add 'title:' to metadata.yaml or to the YAML block of the first file; until then "
                 "the book is named after the folder's README or the folder.")
WRONG_TYPE = _code('MB101', ERROR, 'a metadata value of the wrong kind',
                   'Give the kind of value the key takes (text, true/false, a list); see README, Metadata.')
UNHOLDABLE_CHARACTER = _code('MB102', ERROR, 'a character no book format can hold',
                             'Remove control characters (NUL, U+FFFE...) from the value.')
NOT_A_CHOICE = _code('MB103', ERROR, 'a value that is not one of the choices',
                     'Use one of the values the message lists.')
NO_AUTHOR = _code('MB104', WARNING, 'no author',
                  "Add 'author:' (a name, a list, or {name:, role:, file-as:}).")
NO_LANGUAGE = _code('MB105', WARNING, 'no language',
                    "Add 'lang:' (en, en-GB, fr...) so readers hyphenate and speak the book correctly.")
BAD_LANGUAGE = _code('MB106', ERROR, 'not a language tag',
                     "Use a BCP 47 tag such as en, en-GB, fr-CA or pt-BR.")
BAD_TRIM = _code('MB107', ERROR, 'not a trim size',
                 'Use a preset (5x8, 5.5x8.5, 6x9, a5...) or WIDTH x HEIGHT such as 6in x 9in.')
BAD_ISBN = _code('MB108', ERROR, 'a bad ISBN',
                 'Check the digits: the last one is a check digit computed from the others.')
BAD_COVER = _code('MB109', ERROR, 'an unusable cover image',
                  'Name a JPEG or PNG inside the manuscript folder with a relative path.')
BAD_SERIES = _code('MB110', ERROR, 'a bad series',
                   "Write 'series: {name: ..., index: 2}' or 'series: NAME' with 'series-index: 2'.")
BAD_STYLESHEET = _code('MB111', ERROR, 'an unusable stylesheet',
                       'Name a UTF-8 .css file under 1 MB inside the manuscript folder, by a relative path.')
CSS_SYNTAX = _code('MB112', ERROR, 'a CSS syntax error',
                   'Fix the rule at that line; e-readers would reject the stylesheet too.')
STYLESHEET_LOADS = _code('MB113', ERROR, 'a stylesheet loads a file or address',
                         'An extra stylesheet may load only #fragments and small data: images and fonts.')
# MB120-: the words make-book prints (config/labels.py) and the typographic conventions.
UNKNOWN_LABEL = _code('MB120', WARNING, 'an unknown label name',
                      "Name a label make-book prints (README, Languages): 'labels: {contents: Sommaire}'.")
BAD_LABEL = _code('MB121', ERROR, 'a label with the wrong placeholders',
                  "Keep the label's placeholders, such as {n} in 'chapter: Chapitre {n}'.")
# Issue 14 (real manuscripts) numbers its MB1xx codes from 130, leaving room for others.
BAD_DATE = _code('MB130', ERROR, 'not a date',
                 'Write the date in ISO 8601: a year (2026), a month (2026-11) or a day (2026-11-28).')
UNKNOWN_KEY = _code('MB131', WARNING, 'an unknown metadata key',
                    'Check the spelling against README, Metadata; make-book ignores keys it does not read.')
BAD_FONT = _code('MB132', ERROR, 'an unusable font file',
                 "Name a .ttf or .otf file under the SIL Open Font License inside the manuscript folder "
                 "('fonts:').")
UNKNOWN_SETTING = _code('MB140', WARNING, 'an unknown or unusable make-book setting',
                        'See README, Build settings: output, formats, strict, ignore and the print '
                        'settings.')

# ---- MB2xx: reading the manuscript
NOT_READ = _code('MB200', ERROR, 'a file left unread',
                 'The file is a symbolic link out of the manuscript folder (or unreadable); copy it in.')
NOT_UTF8 = _code('MB201', ERROR, 'not UTF-8',
                 'Save the file as UTF-8 (any editor can: "Save with encoding").')
YAML_UNCLOSED = _code('MB202', ERROR, "a YAML block that is never closed",
                      "End the metadata block with a line of three dashes (---).")
YAML_BROKEN = _code('MB203', ERROR, 'broken YAML',
                    'Fix the YAML at that line (quote values holding a colon: title: "A: B").')
YAML_NOT_MAPPING = _code('MB204', ERROR, 'YAML that is not a mapping',
                         'Metadata is a list of keys and values, like "title: My Book".')
ONLY_METADATA = _code('MB205', ERROR, 'no text, only metadata',
                      'Write the chapters below the metadata block, or add .md files to the folder.')
LISTED_OUTSIDE = _code('MB206', ERROR, 'a listed file outside the book',
                       'Move the file into the book folder and list it by a relative path.')
LISTED_MISSING = _code('MB207', ERROR, 'a listed file that does not exist',
                       'Fix the name in the listing (chapters:, _quarto.yml, SUMMARY.md, Book.txt).')
BROKEN_BOOK_TOML = _code('MB208', ERROR, 'broken book.toml',
                         'Fix the TOML at the place the message names.')
MDBOOK_SRC_OUTSIDE = _code('MB209', ERROR, "an mdBook source folder outside the book",
                           "Point book.toml's src at a folder inside the book.")
MDBOOK_NO_SUMMARY = _code('MB210', ERROR, 'an mdBook without SUMMARY.md',
                          'Add src/SUMMARY.md listing the chapters, as mdBook needs too.')
INCLUDE_REFUSED = _code('MB211', ERROR, 'an include that cannot be read',
                        'Include a file that exists inside the book folder, by a relative path.')
INCLUDE_TOO_DEEP = _code('MB212', ERROR, 'includes nested too deep',
                         'An included file includes itself, directly or not: break the loop.')
INCLUDE_NOT_FOUND = _code('MB213', ERROR, 'an include anchor or line range not found',
                          'Check the ANCHOR: name or the line numbers in the included file.')
EMPTY_FILE = _code('MB214', WARNING, 'an empty file',
                   'Write the chapter, or remove the file from the book.')
NO_TEXT = _code('MB215', ERROR, 'a manuscript with no text',
                'Write at least one chapter.')
CHAPTERS_BELOW = _code('MB216', WARNING, 'the chapters are in a folder below',
                       'Build the folder that holds the chapters (make-book build DIR/chapters), or '
                       'list them in a chapters: key.')
# Hardening (issue 10) numbers its MB2xx codes from 220.
CHAPTERS_INFERRED = _code('MB217', WARNING, 'chapters inferred from the folder, some left out',
                          "Check the files left out; a 'chapters:' list in metadata.yaml names them all.")
YAML_DUPLICATE_KEY = _code('MB220', WARNING, 'a YAML key given twice',
                           'Keep one of the two: the second one is used, the first is ignored.')
LISTED_WRONG = _code('MB221', ERROR, 'a listing entry of the wrong kind',
                     'List chapters by file name (a.md), parts as {part: Title, chapters: [...]}.')
INCLUDE_TOO_LARGE = _code('MB222', ERROR, 'includes that add up to too much',
                          'Include each file once where it is needed: includes may not multiply a book.')

# ---- MB3xx: the text
NO_HEADING = _code('MB300', WARNING, 'a file with no title of its own',
                   "Start the file with a '# Heading', or give it a 'title:' in its front matter.")
BROKEN_FILE_LINK = _code('MB301', WARNING, 'a link to a file that is not in the book',
                         'Link to a manuscript file (other.md) or a heading in one (other.md#id); '
                         'the text is kept without the link (an error with --strict).')
BROKEN_ANCHOR_LINK = _code('MB302', WARNING, 'a link to an anchor that does not exist',
                           "Link to a heading's id or a [text]{#anchor} that exists; the text is kept "
                           'without the link (an error with --strict).')
NO_ALT_TEXT = _code('MB303', WARNING, 'an image without alt text',
                    'Describe the image in the brackets: ![A lighthouse at dusk](light.jpg).')
EMPTY_ALT_TEXT = _code('MB304', WARNING, 'an image with empty alt text',
                       'Describe the image for readers who cannot see it.')
BAD_IMAGE = _code('MB305', ERROR, 'an unusable image',
                  'Use a JPEG, PNG, GIF, SVG or WebP inside the manuscript folder, by a relative path.')
MISSING_NOTE = _code('MB306', ERROR, 'a footnote reference with no note',
                     "Add the note: a line '[^label]: text' anywhere in the same file.")
DUPLICATE_FILE_ID = _code('MB307', ERROR, 'an id given twice in one file',
                          'Give each {#id} a different name.')
NESTED_TOO_DEEP = _code('MB308', ERROR, 'blocks nested too deeply',
                        'Flatten the quotes, lists or HTML: no book needs a hundred levels.')
MISPLACED_ELEMENT = _code('MB309', WARNING, 'an HTML element outside the parent it needs',
                          'Put <li> in a list, <figcaption> in a <figure>, <td> in a <tr>...')
RAW_HTML_REMOVED = _code('MB310', WARNING, 'raw HTML removed',
                         'Books cannot run scripts or load things: use Markdown, or HTML on the allowlist.')
BAD_FORMULA = _code('MB311', WARNING, 'a malformed formula',
                    'Fix the TeX: braces must balance, and \\begin and \\end must match.')
RAW_FORMAT_DROPPED = _code('MB312', WARNING, 'raw content for another format left out',
                           'Only {=html} blocks reach a book; write the rest in Markdown.')
UNCLOSED_DIV = _code('MB313', WARNING, 'a fenced div that is never closed',
                     'Close the div with a line of colons (:::).')
PART_TEXT_DROPPED = _code('MB314', WARNING, 'text after a part heading left out',
                          'A part is only a title page: move the text into a chapter.')
MATH_MARKUP_REMOVED = _code('MB315', WARNING, 'markup left out of a formula',
                            'Formulas cannot link, style or name things: remove \\href, \\style, '
                            '\\class and \\cssId.')
UNCLOSED_HTML = _code('MB316', WARNING, 'an HTML element never closed',
                      'Close it where you mean it to end (</div>, </em>, -->); make-book closed it for you.')
HTML_REPAIRED = _code('MB317', WARNING, 'HTML holding what it may not',
                      'E-readers reject a heading inside <em> or text straight in <ul>: make-book moved it; '
                      'fix the HTML.')
# Markdown read as CommonMark reads it where habits from other readers differ (MB320-MB329).
UNCLOSED_FENCE = _code('MB320', WARNING, 'a code fence that is never closed',
                       'Close the code with a fence as long as the opening one, indented like it.')
NOT_A_HEADING = _code('MB321', WARNING, 'a line that looks like a heading and is text',
                      "Put a space after the #s to make a heading ('# Title'), or write \\# to keep the #.")
LONG_SETEXT_HEADING = _code('MB322', WARNING, 'a paragraph of several lines made one heading',
                            'A line of --- or === under a paragraph makes all of it a heading: '
                            'put a blank line before --- for a rule.')
MARKER_AS_TEXT = _code('MB323', WARNING, 'a list item read as text',
                       'Put a blank line before the list: right after a paragraph line, a numbered '
                       'list must start at 1.')
LIST_NOT_NESTED = _code('MB324', WARNING, 'a list indented too little to nest',
                        "Indent the list to the text of the item above (2 spaces under '- ', "
                        "3 under '1. ') to nest it.")
DUPLICATE_LINK_LABEL = _code('MB325', WARNING, 'a link reference defined twice',
                             'The first definition of a label is used: give each a different label.')
LINK_WITH_SPACE = _code('MB326', WARNING, 'a link whose address holds a space',
                        'Write the address in <...>, as [text](<my file.md>), or write %20 for the space.')
HTML_AS_CODE = _code('MB327', WARNING, 'indented HTML inside an HTML block shown as code',
                     'Take the 4 spaces of indentation off the HTML inside the element (or the blank lines '
                     'around it) to keep it HTML.')
# Issue 14 (real manuscripts) numbers its MB3xx codes from 330, leaving room for others.
UNREFERENCED_NOTE = _code('MB330', WARNING, 'a footnote that is never referenced',
                          "Add the call '[^label]' where the note belongs, or remove the note; "
                          'its text is kept at the end of the chapter.')
EMPTY_HEADING = _code('MB331', WARNING, 'a level-1 heading with no text',
                      'Write the title; a page without one is a dedication or epigraph division.')
CITATION_LEFT = _code('MB332', WARNING, 'pandoc citations left as text',
                      'make-book has no citeproc: write the references out, or build the bibliography '
                      'with pandoc.')
REPEATED_BOOK_TITLE = _code('MB333', WARNING, "the book's title repeated above a chapter's, left out",
                            "Nothing to do, or remove the line: the book's title heads every page "
                            'already.')
REMOTE_IMAGE = _code('MB334', WARNING, 'a remote image not fetched',
                     'Save the image in the manuscript folder and use a relative path, or pass '
                     '--allow-remote to download it; its alt text stands in for it (an error with --strict).')
CHUNKS_NOT_RUN = _code('MB335', WARNING, 'executable code chunks left out',
                       'make-book runs no code: save what the chunk draws (a plot, a table) as a file and '
                       'show it with an image or a table.')
CROWDED_WORD = _code('MB336', WARNING, 'a word made of too many inline elements, printed plain',
                     'Put spaces between the formatted words, or format the whole word once: '
                     '*abc*, not *a*b*c*.')

# ---- MB4xx: whole-book checks
DUPLICATE_BOOK_ID = _code('MB401', ERROR, 'an id used twice in the book',
                          'Give each {#id} a name used once in the whole book.')
NOT_WELL_FORMED = _code('MB402', ERROR, 'a chapter that is not well-formed XHTML',
                        'This is a bug in make-book: please report it with the chapter.')
EMPTY_CHAPTER = _code('MB403', WARNING, 'a chapter with a heading and no text',
                      'Write the chapter, or remove its heading.')
MISSING_GLYPH = _code('MB404', ERROR, "a character none of the book's fonts has",
                      "Replace the character, or add a font that has it ('fonts:'); the EPUB and web "
                      'edition are still made.')
LONG_RUNNING_HEAD = _code('MB410', WARNING, 'a title too long for its running head',
                          'Give it a short title: # Title {short-title="Short"} (for the book, '
                          "'short-title:' in the metadata).")
# Checks for the author (make-book check): checks/author.py
SKIPPED_HEADING_LEVEL = _code('MB420', WARNING, 'a heading that skips a level',
                              'Use one more # than the heading above (## under #), not two.')
DUPLICATE_CHAPTER_TITLE = _code('MB421', WARNING, 'two chapters with the same title',
                                'Give each chapter its own title: the contents list them all.')
UNBALANCED_QUOTES = _code('MB422', WARNING, 'quotation marks that do not pair up',
                          'Close the quotation, or check which way the marks turn next to *emphasis*.')
STRAIGHT_QUOTES = _code('MB423', WARNING, 'straight quotes left uncurled',
                        'Type the quote in Markdown rather than raw HTML, or write the curly mark.')
DOTS_FOR_ELLIPSIS = _code('MB424', WARNING, 'dots that do not make an ellipsis',
                          'Write three dots with no spaces (...) or the ellipsis character.')
SPACED_HYPHEN = _code('MB425', WARNING, 'a spaced hyphen used as a dash',
                      'Write -- for an en dash or --- for an em dash.')
LONG_PARAGRAPH = _code('MB426', WARNING, 'a very long paragraph',
                       'Split it: a paragraph longer than a page is hard to follow, on a phone most of all.')
# Issue 14 (real manuscripts) numbers its MB4xx codes from 430, leaving room for others.
FALLBACK_GLYPH = _code('MB430', WARNING, "a character set in a fallback face",
                       "The book's faces lack it: keep it, replace it, or add a font ('fonts:') that has it.")

# ---- MB5xx: the EPUB
EPUB_UNWRITABLE = _code('MB501', ERROR, 'the EPUB could not be packed',
                        'This is a bug in make-book or ebooklib: please report it with the manuscript.')
EPUBCHECK_ERROR = _code('MB510', ERROR, 'EPUBCheck finds an error in the EPUB',
                        'Readers and stores may refuse the EPUB: fix what the message names, or report it.')
EPUBCHECK_WARNING = _code('MB511', WARNING, 'EPUBCheck warns about the EPUB',
                          'Stores may flag the EPUB: fix what the message names, or report it.')

# ---- MB6xx: the PDF
NOTE_DOES_NOT_FIT = _code('MB601', ERROR, 'a footnote that does not fit on its page',
                          'Shorten the note, give it text after its call to continue into, or use '
                          '--notes chapter-endnotes.')
PDF_RESOURCE_REFUSED = _code('MB602', ERROR, 'the PDF asked for a refused resource',
                             'Use files inside the manuscript folder, by relative paths.')
PDF_RENDER_ERROR = _code('MB603', ERROR, 'WeasyPrint reported an error',
                         'Usually an unreadable image or stylesheet: the message names it.')
PDF_EMPTY = _code('MB604', ERROR, 'an empty PDF',
                  'This is a bug in make-book or WeasyPrint: please report it with the manuscript.')
PDF_STRANGE_FONT = _code('MB605', ERROR, "text set in a font that is not the book's",
                         'A font file did not load, or a character is missing from the book faces.')
PDF_UNEMBEDDED_FONT = _code('MB606', ERROR, 'a font not embedded in the PDF',
                            'Printers need every font embedded; use the book faces.')
NOTE_ON_NEXT_PAGE = _code('MB607', WARNING, 'a footnote set at the foot of the page after its call',
                          'Rewording the paragraph around its call, or --notes chapter-endnotes, '
                          'brings it back under its call.')
