"""Dates as x: ISO 8601 texts (2019-01, 2019-01-31, 2019-01-31T12:00, with or without a zone) and
NumPy datetime64 values as days since 1970-01-01 UTC, the date numbers matplotlib's date axes use,
and back."""

from __future__ import annotations

import datetime

import numpy as np

from .rules import DATE  # (an ISO 8601 date: a file's x, an end of --holdout)

#: Where matplotlib's date numbers count days from.
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def day_number(cell: str) -> float:
    """Days since 1970-01-01 UTC of an ISO 8601 date (a time without a zone taken as UTC);
    ValueError if it is none."""
    if not DATE.fullmatch(cell):
        raise ValueError(cell)
    moment = datetime.datetime.fromisoformat(cell + "-01" if len(cell) == 7 else cell)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return (moment - EPOCH).total_seconds() / 86400


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
