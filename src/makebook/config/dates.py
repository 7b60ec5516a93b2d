"""Publication dates: ISO 8601 (a year, a year and month, or a day), or as people write them.

The date goes into the EPUB's ``dc:date`` (which EPUBCheck wants in ISO 8601,
OPF-053) and onto the copyright page, so ``date: yesterday`` must not be
printed as "Published yesterday". Dates written the usual other ways
(``March 31, 1918``, ``31 March 1918``, ``3/31/1918`` as Quarto books write
them) are read and turned into ISO 8601; anything else is an error.
"""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r'(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?'
                  r'(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,9})?)?'
                  r'(?:Z|[+-]\d{2}:?\d{2})?)?')
# Other ways of writing a day or a month, tried in order (English month names, as
# pandoc and Quarto books write them; a day/month order is used only when the first
# number cannot be a month).
_FORMATS = ('%B %d, %Y', '%b %d, %Y', '%B %d %Y', '%d %B %Y', '%d %b %Y', '%b. %d, %Y',
            '%m/%d/%Y', '%d/%m/%Y', '%d.%m.%Y', '%Y/%m/%d', '%B %Y', '%b %Y')


def iso_date(value: str) -> str | None:
    """``value`` as an ISO 8601 date ('1918', '1918-03', '1918-03-31'), or None when it is
    not a date (a day that does not exist, 'yesterday')."""
    text = ' '.join(value.split())
    match = _ISO.fullmatch(text)
    if match:
        year, month, day = match.group('year', 'month', 'day')
        hour, minute, second = (int(part or 0) for part in match.group('hour', 'minute', 'second'))
        try:
            dt.date(int(year), int(month or 1), int(day or 1))
            dt.time(hour, minute, second)  # '25:61:00' is no time of day
        except ValueError:
            return None
        return text
    for form in _FORMATS:
        try:
            parsed = dt.datetime.strptime(text, form)
        except ValueError:
            continue
        return parsed.strftime('%Y-%m') if '%d' not in form else parsed.date().isoformat()
    return None
