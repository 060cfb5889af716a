"""Dates as x: ISO 8601 texts (2019-01, 2019-01-31, 2019-01-31T12:00, with or without a zone), a
Japanese spreadsheet's 2019/01/31 (or 2019/1/31 12:00) and NumPy datetime64 values as days since
1970-01-01 UTC, the date numbers matplotlib's date axes use, and back; the upper end of a range
of dates, which covers its whole day or month."""

from __future__ import annotations

import datetime
import re

import numpy as np

# (a date: a file's x, an end of --holdout)
from .rules import DATE, SLASH_DATE

#: Where matplotlib's date numbers count days from.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def day_number(cell: str) -> float:
    """Days since 1970-01-01 UTC of an ISO 8601 date or a 2019/01/31 (a time without a zone taken
    as UTC); ValueError if it is none."""
    cell = iso_text(cell)
    if not DATE.fullmatch(cell):
        raise ValueError(cell)
    moment = datetime.datetime.fromisoformat(cell + "-01" if len(cell) == 7 else cell)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return (moment - EPOCH).total_seconds() / 86400


def iso_text(cell: str) -> str:
    """A 2019/1/31 (12:00) as the ISO 8601 date it names, 2019-01-31 (T12:00), a 2019/1 as the
    month 2019-01; any other text as it is."""
    found = SLASH_DATE.fullmatch(cell)
    if found is None:
        return cell
    year, month, _, day, time, hour, minute, seconds = found.groups()[:8]
    if day is None:
        return f"{year}-{int(month):02d}"
    text = f"{year}-{int(month):02d}-{int(day):02d}"
    return text + (f"T{int(hour):02d}:{minute}{seconds or ''}" if time else "")


#: A time of midnight in UTC, written or not: what a date alone means.
MIDNIGHT = re.compile(r"[T ]00:00(:00(\.0+)?)?(Z|[+-]00:?00)?")


def normal_date(cell: str) -> str:
    """One form for each date typed: ISO 8601, a midnight left out (2023/06/01 00:00 is
    2023-06-01), so that an end of --holdout names a run the same however it was written."""
    text = iso_text(cell.strip())
    day = text[:10]
    return day if len(text) > 10 and MIDNIGHT.fullmatch(text[10:]) else text


def end_day_number(cell: str) -> float:
    """The upper end of a range of dates in days since 1970: a month (2023-08) or a day
    (2023-08-31) covers all of it, up to the last moment before the next one begins; a time of
    day is that moment. ValueError if it is no date."""
    start = day_number(cell)  # (checks that the date exists)
    text = iso_text(cell)
    if len(text) == 7:  # a month: up to the first day of the next
        year, month = int(text[:4]), int(text[5:7])
        after = datetime.date(year + month // 12, month % 12 + 1, 1)
    elif len(text) == 10:  # a day: up to the next day
        after = datetime.date.fromisoformat(text) + datetime.timedelta(days=1)
    else:
        return start
    # the last float before the next day's (or month's) first moment: x <= it holds the whole day
    return float(np.nextafter(day_number(after.isoformat()), -np.inf))


def date_text(days: float) -> str:
    """Days since 1970-01-01 UTC as an ISO 8601 text: 2024-01-31, or 2024-01-31T12:00 (and its
    seconds, if any) for a time of day."""
    moment = EPOCH + datetime.timedelta(days=float(days))
    if moment.time() == datetime.time():
        return moment.date().isoformat()
    seconds = ":%S" if moment.second or moment.microsecond else ""
    return moment.strftime("%Y-%m-%dT%H:%M" + seconds)


def days_since_1970(moments) -> np.ndarray:
    """NumPy datetime64 values as days since 1970-01-01 (matplotlib's date numbers)."""
    moments = np.asarray(moments)
    return (moments - np.datetime64("1970-01-01T00:00:00")) / np.timedelta64(1, "D")
