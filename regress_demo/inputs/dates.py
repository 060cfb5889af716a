"""Dates as x: ISO 8601 texts (2019-01, 2019-01-31, 2019-01-31T12:00, with or without a zone), a
Japanese spreadsheet's 2019/01/31 (or 2019/1/31 12:00) and NumPy datetime64 values as days since
1970-01-01 UTC, the date numbers matplotlib's date axes use, and back."""

from __future__ import annotations

import datetime

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
    """A 2019/1/31 (12:00) as the ISO 8601 date it names, 2019-01-31 (T12:00); any other text as it
    is."""
    found = SLASH_DATE.fullmatch(cell)
    if found is None:
        return cell
    year, month, day, time, hour, minute, seconds = found.groups()[:7]
    text = f"{year}-{int(month):02d}-{int(day):02d}"
    return text + (f"T{int(hour):02d}:{minute}{seconds or ''}" if time else "")


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
