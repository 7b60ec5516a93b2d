"""Raw HTML in a manuscript, cut down to what a book needs before it reaches any output.

Python-Markdown passes raw HTML through untouched (its docs say so: sanitising is
the caller's job), and attribute lists let authors put any attribute on any
element. A chapter pasted from the web may carry ``<script>``, ``<iframe>``,
``onclick=``, ``javascript:`` links, ``<link rel=attachment>`` (which makes
WeasyPrint embed a file in the PDF) or ``style="background: url(...)"``.

So the whole of Markdown's output goes through nh3 (the Rust ``ammonia``
allowlist sanitiser, not regular expressions) with an allowlist of what books
use. nh3 does not say what it removed, so a first pass over the same markup
finds each element, attribute or URL the allowlist will drop and reports it as
a warning with the file and line where the author wrote it.
"""

from __future__ import annotations

import re

import nh3
from lxml import etree, html

from makebook import codes
from makebook.errors import Diagnostic
from makebook.model import Locator, SourceFile

# Elements books use. Obsolete ones EPUB 3 rejects (center, tt, acronym,
# strike, font) and image maps (their hrefs escape every check) are left out.
ALLOWED_TAGS = frozenset({
    'a', 'abbr', 'address', 'article', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br',
    'caption', 'cite', 'code', 'col', 'colgroup', 'data', 'dd', 'del', 'details', 'dfn',
    'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4',
    'h5', 'h6', 'header', 'hgroup', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'nav',
    'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section', 'small', 'span',
    'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead',
    'time', 'tr', 'u', 'ul', 'var', 'wbr',
})
# Removed together with their content: it is code or styling, never text.
DROPPED_WITH_CONTENT = frozenset({'script', 'style', 'template', 'svg', 'math', 'noscript',
                                  'textarea', 'select', 'title', 'iframe', 'object', 'embed',
                                  'frameset', 'frame', 'noembed', 'noframes', 'xmp'})
GLOBAL_ATTRIBUTES = frozenset({'id', 'class', 'title', 'lang', 'xml:lang', 'dir', 'role',
                               'epub:type', 'hidden', 'style', 'translate'})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    # 'name': the anchor HTML 4 wrote (<a name="x">); render/repairs.py makes it the id.
    'a': frozenset({'href', 'hreflang', 'name'}),
    'img': frozenset({'src', 'alt', 'width', 'height'}),
    'ol': frozenset({'start', 'reversed', 'type'}),
    'li': frozenset({'value'}),
    'td': frozenset({'colspan', 'rowspan', 'headers'}),
    'th': frozenset({'colspan', 'rowspan', 'headers', 'scope', 'abbr'}),
    'col': frozenset({'span'}),
    'colgroup': frozenset({'span'}),
    'blockquote': frozenset({'cite'}),
    'q': frozenset({'cite'}),
    'del': frozenset({'cite', 'datetime'}),
    'ins': frozenset({'cite', 'datetime'}),
    'time': frozenset({'datetime'}),
    'data': frozenset({'value'}),
    'details': frozenset({'open'}),
    'bdo': frozenset({'dir'}),
    # A heading's short title for the running heads (extensions/short_titles.py).
    **{h: frozenset({'data-short-title'}) for h in ('h1', 'h2', 'h3', 'h4', 'h5', 'h6')},
}
ATTRIBUTE_PREFIXES = ('aria-',)
# The roles an element may take where ARIA in HTML restricts them (EPUBCheck's schema refuses
# the others: '<hr role="note">' is RSC-005 and the EPUB fails). An element not named here
# (div, span, p, table...) takes any role. A role outside its element's set is removed.
_NONE = frozenset({'none', 'presentation'})
_LIST_ROLES = _NONE | {'list', 'directory', 'group', 'listbox', 'menu', 'menubar', 'radiogroup', 'tablist',
                       'toolbar', 'tree'}
_SECTION_ROLES = _NONE | {
    'region', 'alert', 'alertdialog', 'application', 'banner', 'complementary', 'contentinfo', 'dialog',
    'document', 'feed', 'group', 'log', 'main', 'marquee', 'navigation', 'note', 'search', 'status',
    'tabpanel', 'doc-abstract', 'doc-acknowledgments', 'doc-afterword', 'doc-appendix', 'doc-bibliography',
    'doc-chapter', 'doc-colophon', 'doc-conclusion', 'doc-credit', 'doc-credits', 'doc-dedication',
    'doc-endnotes', 'doc-epigraph', 'doc-epilogue', 'doc-errata', 'doc-example', 'doc-foreword',
    'doc-glossary', 'doc-index', 'doc-introduction', 'doc-notice', 'doc-pagelist', 'doc-part',
    'doc-preface', 'doc-prologue', 'doc-pullquote', 'doc-qna', 'doc-toc'}
ROLES_OF: dict[str, frozenset[str]] = {
    'a': frozenset({'button', 'checkbox', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio',
                    'switch', 'tab', 'treeitem', 'link', 'doc-backlink', 'doc-biblioref', 'doc-glossref',
                    'doc-noteref'}),
    'article': _NONE | {'article', 'application', 'document', 'feed', 'main', 'region'},
    'aside': _NONE | {'complementary', 'feature', 'note', 'region', 'search', 'doc-dedication', 'doc-example',
                      'doc-footnote', 'doc-glossary', 'doc-pullquote', 'doc-tip'},
    'br': _NONE, 'wbr': _NONE,
    'caption': frozenset(), 'col': frozenset(), 'colgroup': frozenset(),
    'dd': frozenset({'definition'}), 'dt': frozenset({'listitem', 'term'}),
    'details': frozenset({'group'}), 'summary': frozenset({'button'}),
    'dl': _NONE | {'list', 'group'},
    'figcaption': _NONE | {'group'},
    'footer': _NONE | {'contentinfo', 'group', 'doc-footnote'},
    'header': _NONE | {'banner', 'group'},
    **{f'h{level}': _NONE | {'heading', 'tab', 'doc-subtitle'} for level in range(1, 7)},
    'hr': _NONE | {'separator', 'doc-pagebreak'},
    'img': _NONE | {'img', 'button', 'checkbox', 'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio',
                    'option', 'progressbar', 'scrollbar', 'separator', 'slider', 'switch', 'tab', 'treeitem',
                    'doc-cover'},
    'li': _NONE | {'listitem', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio',
                   'separator', 'tab', 'treeitem', 'doc-biblioentry', 'doc-endnote'},
    'nav': _NONE | {'navigation', 'doc-index', 'doc-pagelist', 'doc-toc', 'menu', 'menubar', 'tablist'},
    'ol': _LIST_ROLES, 'ul': _LIST_ROLES,
    'section': _SECTION_ROLES,
}
URL_ATTRIBUTES = frozenset({'href', 'src', 'cite'})
# Links may point to the web or mail. Image sources are left to the resolver
# (resources.py), which refuses file:, remote and data: images with a message
# saying what to do; only data: that is not an image is removed here.
LINK_SCHEMES = frozenset({'http', 'https', 'mailto'})
IMAGE_SCHEMES = frozenset({'data', 'file', 'http', 'https', 'ftp'})

# Elements that never hold content: libxml2 does not know <embed> and <frame> are void and
# nests what follows inside them, but html5ever (nh3) does not, so that is not dropped.
_VOID = frozenset({'embed', 'frame'})
# A style attribute that can load something (url(), src(), image-set(), @import,
# IE expression() and behavior, Mozilla bindings) or hide it in CSS escapes.
_LOADING_STYLE = re.compile(r'url\s*\(|image-set|image\s*\(|src\s*\(|cross-fade|@import|expression\s*\(|'
                            r'behavior|binding|\\',
                            re.IGNORECASE)
_SCHEME = re.compile(r'^\s*([a-zA-Z][a-zA-Z0-9+.-]*)\s*:')
# Browsers drop tabs, newlines and other controls from a URL before reading its
# scheme ('java\tscript:'), so the scheme is read the same way.
_URL_NOISE = re.compile(r'[\x00-\x20\x7f]+')


def sanitize(markup: str, source: SourceFile | Locator, problems: list[Diagnostic]) -> str:
    """``markup`` (Markdown's HTML output) with everything outside the allowlist removed.

    Each removal is appended to ``problems`` as a warning naming the file and the line
    where it is written (each occurrence its own: ``source`` may be a :class:`Locator`).
    """
    problems.extend(_removals(markup, Locator.of(source)))
    return nh3.clean(
        markup,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={'*': set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in TAG_ATTRIBUTES.items()}},
        generic_attribute_prefixes=set(ATTRIBUTE_PREFIXES),
        attribute_filter=_filter_attribute,
        url_schemes=set(LINK_SCHEMES | IMAGE_SCHEMES),
        strip_comments=True,
        link_rel=None,
    )


def scheme_of(url: str) -> str | None:
    """The URL's scheme in lower case, read as a browser would ('JaVa\\tscript:' -> 'javascript')."""
    match = _SCHEME.match(_URL_NOISE.sub('', url))
    return match.group(1).lower() if match else None


def style_loads(value: str) -> bool:
    """True if a CSS declaration list could fetch something (or hides what it does in escapes)."""
    return bool(_LOADING_STYLE.search(value))


def _url_allowed(tag: str, attribute: str, value: str) -> bool:
    scheme = scheme_of(value)
    if scheme is None:
        return True
    if (tag, attribute) == ('img', 'src'):
        return scheme in IMAGE_SCHEMES and (scheme != 'data' or _data_image(value))
    return scheme in LINK_SCHEMES


def _data_image(value: str) -> bool:
    return _URL_NOISE.sub('', value).lower().startswith('data:image/')


def role_refused(tag: str, value: str) -> bool:
    """True if ``value`` (a role attribute's) is not a role ``tag`` may take."""
    allowed = ROLES_OF.get(tag)
    return allowed is not None and not (value.split() and value.split()[0].lower() in allowed)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's per-attribute hook: the value to keep, or None to drop the attribute."""
    if attribute == 'role' and role_refused(tag, value):
        return None
    if attribute == 'style' and style_loads(value):
        return None
    if attribute in URL_ATTRIBUTES and not _url_allowed(tag, attribute, value):
        return None
    return value


def _attribute_allowed(tag: str, attribute: str) -> bool:
    return (attribute in GLOBAL_ATTRIBUTES or attribute in TAG_ATTRIBUTES.get(tag, ())
            or attribute.startswith(ATTRIBUTE_PREFIXES))


def _removals(markup: str, source: Locator) -> list[Diagnostic]:
    """What the allowlist will remove from ``markup``, one warning each."""
    if '<' not in markup:
        return []
    try:
        root = html.fragment_fromstring(markup, create_parent='div')
    except (etree.ParserError, ValueError):
        return []
    found: list[Diagnostic] = []

    def report(message: str, *needles: str | tuple[str, ...]) -> None:
        found.append(codes.RAW_HTML_REMOVED(f'raw HTML: {message}', source.path,
                                            source.line_of(*needles, ignore_case=True)))

    for element in root.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag not in ALLOWED_TAGS:
            if any(a.tag in DROPPED_WITH_CONTENT and a.tag not in _VOID for a in element.iterancestors()
                   if isinstance(a.tag, str)):
                continue
            what = 'and its content ' if tag in DROPPED_WITH_CONTENT else ''
            rel = (element.get('rel') or '').lower()
            extra = ' (an attachment link would embed a file in the PDF)' if 'attachment' in rel else ''
            report(f'removed <{tag}> {what}(not allowed in a book){extra}', f'<{tag}')
            continue
        for name, value in element.attrib.items():
            name = name.lower()
            if not _attribute_allowed(tag, name):
                kind = 'event handler' if name.startswith('on') else 'attribute'
                report(f"removed {kind} '{name}' from <{tag}>", (f'<{tag}', f'{name}='), name)
            elif name == 'style' and style_loads(value):
                # The value as parsed ('url(' for the 'url&#40;' written): its start up to what
                # may have been written as a reference finds the line when the whole does not.
                written = re.split(r'[(&\\]', value, maxsplit=1)[0][:40]
                report(f'removed a style attribute from <{tag}> that could load a resource '
                       f"('{_short(value)}')", (f'<{tag}', value[:40]), value[:40], (f'<{tag}', written),
                       'style=')
            elif name == 'role' and role_refused(tag, value):
                report(f"removed role '{_short(value, 30)}' from <{tag}> (not a role a <{tag}> may take)",
                       (f'<{tag}', f'role="{value}'), (f'<{tag}', 'role='), 'role=')
            elif name in URL_ATTRIBUTES and not _url_allowed(tag, name, value):
                report(f"removed {name}='{_short(value)}' from <{tag}>: '{scheme_of(value)}:' "
                       'URLs are not allowed', (f'<{tag}', value[:40]), value[:40],
                       f'{scheme_of(value)}:')
    return found


def _short(value: str, limit: int = 60) -> str:
    value = ' '.join(value.split())
    return value if len(value) <= limit else value[:limit] + '…'
