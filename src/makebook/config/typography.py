"""Each language's typographic conventions: its quotation marks and, in French, its spaces.

Applied to the book's text (render/typography.py walks the chapters, never
into code) and to the metadata's display strings. The rules:

* **Quotation marks.** Straight quotes typed by the author (``"`` and ``'``)
  become the language's marks: “…” ‘…’ in English, « … » “…” in French,
  „…“ ‚…‘ in German (« » ‹ › in Switzerland), “…” ‘…’ in Spanish, «…» “…” in
  Italian, «…» “…” in Portuguese (``pt``, as the labels read it) and “…” ‘…’ in
  Brazilian Portuguese (``pt-BR``), ”…” ’…’ in
  Hebrew, «…» ”…“ in Arabic (CLDR's ``delimiters``; Arabic printed books use
  guillemets first). Dutch keeps the English shapes. Spanish follows CLDR, not
  the RAE's *Ortografía* (2010, §3.4.8: «» first in print): Spanish manuscripts
  type “…” (the Spanish Rust book has 203), and straight quotes must not come
  out different from the curly ones beside them; ``quotes: «»“”`` gives the RAE's. Curly quotes the
  author typed are theirs and stay as written. A ``quotes:`` metadata key
  chooses others (``quotes: »«›‹``, as many German novels print).
  Python-Markdown's smarty extension decides where a quote opens and closes;
  it writes the private markers below, which :func:`typeset` resolves per
  language (and where smarty could not tell, as after ``¿``, by pairing).
* **French spaces** (the Imprimerie nationale's *Lexique des règles
  typographiques*): a narrow no-break space (U+202F) before ``; ! ?`` and
  inside « », a no-break space (U+00A0) before ``:``. A space the author typed
  there becomes the no-break one; where none was typed one is added, except in
  Canada and Switzerland (``fr-CA``, ``fr-CH``), where the OQLF and Swiss usage
  allow none before ``; ! ?``. Never inside a word (``12:30``, ``http://``), never
  twice (``?!``). An EPUB reader whose font lacks U+202F would draw a box, so the
  EPUB and the web edition get U+00A0 where the book face has no U+202F
  (theme/faces.py); the PDF keeps the narrow one (HarfBuzz draws it narrow).
* **Spanish** ¿ and ¡ are text like any other: kept, and an opening quote
  after them is an opening quote.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NBSP = '\u00a0'
NNBSP = '\u202f'  # the narrow no-break space: French "espace fine insécable"

# What smarty (render/convert.py) writes for a straight quote, by its decision: open or
# close, double or single. Private-use characters no manuscript has (the conversion
# refuses none: one typed by an author is resolved as the quote it stands for).
LEFT_DOUBLE, RIGHT_DOUBLE, LEFT_SINGLE, RIGHT_SINGLE = '\ue0d1', '\ue0d2', '\ue0d3', '\ue0d4'
MARKERS = LEFT_DOUBLE + RIGHT_DOUBLE + LEFT_SINGLE + RIGHT_SINGLE
APOSTROPHE = '\u2019'
GERSHAYIM = '\u05f4'  # the Hebrew acronym mark, typed as a straight double quote
# An opaque piece of text (code, a note call) in a run: a word, never changed.
OPAQUE = '\ufffc'

ENGLISH_QUOTES = '“”‘’'
# Primary open, close, secondary open, close; the most specific tag wins ('de-ch' before 'de').
QUOTES = {
    'en': ENGLISH_QUOTES, 'nl': ENGLISH_QUOTES,
    'fr': '«»“”', 'fr-ch': '«»‹›',
    'de': '„“‚‘', 'de-ch': '«»‹›', 'de-li': '«»‹›',
    'es': '“”‘’', 'it': '«»“”',
    # 'pt' is European Portuguese, as for the labels (config/labels.py: 'Índice'); Brazil says so.
    'pt': '«»“”', 'pt-br': '“”‘’',
    'he': '””’’', 'iw': '””’’',
    'ar': '«»”“',
    'ru': '«»„“',  # CLDR: «ёлочки» outside, „лапки“ inside
}
# French space rules, and whether a space is added where none was typed (ibid.).
_FRENCH_ADDS_SPACES = {'fr': True, 'fr-ca': False, 'fr-ch': False}
# Quotes are taken as open after these (and after a space or the start of a block).
_OPENERS = set('([{¿¡—–-/«‹“‘„‚') | {NBSP, NNBSP}


@dataclass(frozen=True, slots=True)
class Conventions:
    """How text in one language is set."""

    quotes: str = ENGLISH_QUOTES  # primary open, close, secondary open, close
    french: bool = False  # French spaces before ; : ! ? and inside « »
    add_spaces: bool = False  # add the French space where none was typed
    gershayim: bool = False  # Hebrew: a double quote between two letters marks an acronym (צה״ל)


ENGLISH = Conventions()


def _lookup(table: dict[str, object], language: str) -> object | None:
    parts = language.lower().split('-')
    for size in range(len(parts), 0, -1):
        tag = '-'.join(parts[:size])
        if tag in table:
            return table[tag]
    return None


@functools.lru_cache(maxsize=256)  # asked for each run of each block; a book has a few languages
def conventions_for(language: str, quotes: str | None = None) -> Conventions:
    """The conventions of a language tag; ``quotes`` (from the metadata) replaces its marks."""
    marks = quotes or _lookup(dict(QUOTES), language)
    adds = _lookup(dict(_FRENCH_ADDS_SPACES), language)
    return Conventions(quotes=str(marks) if marks else ENGLISH_QUOTES, french=adds is not None,
                       add_spaces=bool(adds), gershayim=language.lower().split('-')[0] in ('he', 'iw'))


def read_quotes(value: object) -> str | None:
    """The ``quotes:`` metadata value as four marks ('»«›‹'; two give the secondary pair too),
    or None when it is not two or four quotation marks."""
    if not isinstance(value, str):
        return None
    marks = ''.join(value.split())
    if len(marks) not in (2, 4) or not all(unicodedata.category(c) in ('Pi', 'Pf', 'Ps', 'Pe', 'Po')
                                           for c in marks):
        return None
    return marks if len(marks) == 4 else marks * 2


def typeset_text(text: str, conventions: Conventions) -> str:
    """A plain string (a metadata title, a front matter's) set by ``conventions``: its straight
    quotes educated as smarty would (an apostrophe between letters, a quote opening after a
    space), then each language's marks and spaces."""
    chars = list(text)
    for i, char in enumerate(chars):
        if char in '"\'':
            before = chars[i - 1] if i else ' '
            after = chars[i + 1] if i + 1 < len(chars) else ' '
            opens = (before.isspace() or before in _OPENERS) and not after.isspace()
            if char == '"':
                chars[i] = LEFT_DOUBLE if opens else RIGHT_DOUBLE
            else:
                chars[i] = LEFT_SINGLE if opens and after.isalnum() else RIGHT_SINGLE
    return typeset([(''.join(chars), conventions)])[0]


def typeset(runs: Sequence[tuple[str, Conventions | None]]) -> list[str]:
    """The runs of one block of text, set by their conventions, in one piece.

    A block (a paragraph, a heading, a table cell) is given as its runs of
    text in reading order, each with the conventions of its language; a run
    with None is opaque (code, a note call): it stays as it is but counts as
    a word for its neighbours. Quotes pair and spaces are added across runs,
    so ``*Quoi*?`` and ``"[a link]"`` come out right.
    """
    if not any(conventions is not None and conventions.french for _, conventions in runs):
        return _quotes_only(runs)
    chars: list[str] = []
    owner: list[int] = []  # the run each character comes from
    rules: list[Conventions | None] = []
    for index, (text, conventions) in enumerate(runs):
        pieces = OPAQUE if conventions is None else text
        chars.extend(pieces)
        owner.extend([index] * len(pieces))
        rules.extend([conventions] * len(pieces))
    _resolve_quotes(chars, rules, [m.start() for m in _MARKER.finditer(''.join(chars))])
    out = list(chars)
    _french_spaces(chars, rules, out)
    result = ['' for _ in runs]
    for index, (text, conventions) in enumerate(runs):
        if conventions is None:
            result[index] = text
    for position, piece in enumerate(out):
        if rules[position] is not None:
            result[owner[position]] += piece
    return result


# Smarty's quote markers, found at once in a block's text.
_MARKER = re.compile(f'[{MARKERS}]')


class _RunRules:
    """The conventions of each character of a block's runs joined (as :func:`typeset` lists
    them), looked up by position instead of listed character by character."""

    def __init__(self, runs: Sequence[tuple[str, Conventions | None]], starts: list[int]) -> None:
        self.runs, self.starts = runs, starts

    def __getitem__(self, position: int) -> Conventions | None:
        return self.runs[bisect.bisect_right(self.starts, position) - 1][1]


def _quotes_only(runs: Sequence[tuple[str, Conventions | None]]) -> list[str]:
    """:func:`typeset` for a block with no French in it: only its quote markers change, so
    only they are looked at (most blocks have none)."""
    joined = ''.join(OPAQUE if conventions is None else text for text, conventions in runs)
    positions = [m.start() for m in _MARKER.finditer(joined)]
    if not positions:
        return [text for text, _ in runs]
    chars = list(joined)
    sizes = (1 if conventions is None else len(text) for text, conventions in runs)
    starts = list(itertools.accumulate(sizes, initial=0))
    _resolve_quotes(chars, _RunRules(runs, starts), positions)
    return [text if conventions is None else ''.join(chars[starts[index]:starts[index + 1]])
            for index, (text, conventions) in enumerate(runs)]


def _resolve_quotes(chars: list[str], rules: Sequence[Conventions | None] | _RunRules,
                    positions: Iterable[int]) -> None:
    """Smarty's markers as each language's quotation marks (in place).

    Smarty's decisions stand, but where it reads one quote alone and the pair says
    otherwise: a double quote after ``¿``, ``¡``, a bracket, a dash or ``=`` opens when
    none is open (``¿"Qué"?``, ``file="a.png"``), one before a space or punctuation
    closes the open one (``"# Titre "،``, as Arabic manuals write a Markdown example),
    one with a space on both sides opens or closes as the pair needs (``" Bonjour "``),
    one between two Hebrew letters in Hebrew is the acronym mark gershayim (``צה"ל``),
    and a single quote closing inside a word is an apostrophe (``geht's``), whatever the
    language's closing single quote looks like (``‘`` in German).
    """
    double_open = single_open = False
    for i in positions:  # the markers' (each step changes only its own character)
        char = chars[i]
        if char not in MARKERS or rules[i] is None:
            continue
        quotes = (rules[i] or ENGLISH).quotes
        before = chars[i - 1] if i else ' '
        after = chars[i + 1] if i + 1 < len(chars) else ' '
        after_opener = before in _OPENERS or before in MARKERS
        if char in (LEFT_DOUBLE, RIGHT_DOUBLE) and (rules[i] or ENGLISH).gershayim \
                and _is_hebrew_letter(before) and _is_hebrew_letter(after):
            chars[i] = GERSHAYIM  # 'צה"ל', 'ארה"ב': no quotation mark, the pair is left as it was
        elif char in (LEFT_DOUBLE, RIGHT_DOUBLE):
            if before.isspace() and after.isspace():  # '" Bonjour "', as French typists space it
                opening = not double_open
            else:
                opening = (char == LEFT_DOUBLE and not (double_open and (before.isalnum() or _ends(after)))) \
                    or (char == RIGHT_DOUBLE and not double_open and (after_opener or before == '=')
                        and not _ends(after))
            chars[i] = quotes[0] if opening else quotes[1]
            double_open = opening
        elif char == LEFT_SINGLE or (not single_open and after_opener and after.isalnum()):
            chars[i] = quotes[2]
            single_open = True
        elif single_open and not after.isalnum():
            chars[i] = quotes[3]  # closes the open single quote
            single_open = False
        else:
            chars[i] = APOSTROPHE  # "geht's", "l'été", "the '80s": an apostrophe in every language


def _is_hebrew_letter(char: str) -> bool:
    return '\u05d0' <= char <= '\u05ea'


def _ends(char: str) -> bool:
    """True for what may follow a closing quote: a space, the end, punctuation that opens nothing."""
    return char.isspace() or (unicodedata.category(char)[0] == 'P' and char not in _OPENERS)


def _french_spaces(chars: list[str], rules: list[Conventions | None], out: list[str]) -> None:
    """French no-break spaces, written into ``out`` (one string per character of ``chars``)."""
    size = len(chars)
    for i, char in enumerate(chars):
        conventions = rules[i]
        if conventions is None or not conventions.french:
            continue
        if char in ';!?:»›':
            space = NBSP if char == ':' else NNBSP
            j = i - 1
            if j >= 0 and _is_space(chars[j]) and rules[j] is not None:
                while j - 1 >= 0 and _is_space(chars[j - 1]) and rules[j - 1] is not None:
                    out[j] = ''  # a run of spaces becomes one
                    j -= 1
                out[j] = space
            elif j >= 0 and _wants_space_before(chars, i, conventions):
                out[i] = space + char
        elif char in '«‹':
            j = i + 1
            if j < size and _is_space(chars[j]) and rules[j] is not None:
                out[j] = NNBSP
                while j + 1 < size and _is_space(chars[j + 1]) and rules[j + 1] is not None:
                    out[j + 1] = ''
                    j += 1
            elif j < size and not _is_space(chars[j]) and chars[j] not in '»›':
                out[i] = char + NNBSP


def _wants_space_before(chars: list[str], i: int, conventions: Conventions) -> bool:
    """True where French adds a space before ``chars[i]`` the author did not type."""
    char, before = chars[i], chars[i - 1]
    after = chars[i + 1] if i + 1 < len(chars) else ' '
    if char in '»›':
        return not before.isspace()  # "«\u202fmot\u202f»": always inside guillemets
    if not (before.isalnum() or before in '»›)]”’…' + OPAQUE):
        return False  # '?!', '(?)', '« ? »': nothing to add
    ends = after.isspace() or after in ';:!?.,»›)]”’…' or after == OPAQUE
    if char == ':':
        return ends  # '12:30', 'http://', 'a:b' stay as they are
    return conventions.add_spaces and ends


def _is_space(char: str) -> bool:
    return char.isspace()
