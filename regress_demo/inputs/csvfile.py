"""Reading your own data from a file: a text file of columns, as spreadsheets write it (its
separator, a header row, decimal commas with ; or tabs, UTF-8 or Shift_JIS, ISO dates as x), each
refusal one line that names the file, the line and the cell."""

from __future__ import annotations

import csv
import hashlib
import math
import os
import re
import unicodedata
from typing import Optional

import numpy as np

from .dates import day_number
from .errors import SettingError, show
from .owndata import SEPARATORS, DataError, OwnData, check_points
from .reading import MAX_READ_BYTES, FileTooLarge, read_text
from .rules import is_date


def read_file(path, columns: Optional[str] = None) -> OwnData:
    """The two columns of a CSV file (the first two, or `columns`: "A,B" by header name or number
    from 1); DataError for anything that is not such a file."""
    path = os.fspath(path)
    text, encoding, sha256 = _decoded(path)
    try:
        return _read_text(path, text, columns, encoding, sha256)
    except DataError as error:
        if encoding == "utf-8":
            raise
        # (a file read as Shift_JIS says so in the one line that refuses it)
        raise DataError(f"{error.source} (read as Shift_JIS)", error.problem, error.line) from None


def _decoded(path: str):
    """The text of a file, its encoding (utf-8, or cp932: Shift_JIS) and the SHA-256 of its
    bytes."""
    encoding, sha256 = "utf-8", None
    try:
        text = read_text(path, limit=MAX_READ_BYTES)
    except FileNotFoundError:
        raise DataError(path, "no such file") from None
    except FileTooLarge as error:
        raise DataError(path, f"cannot be read: {error.strerror}") from None
    except IsADirectoryError:
        raise DataError(path, "cannot be read: it is a folder") from None
    except (
        UnicodeDecodeError
    ) as error:  # binary, or text in another encoding (a spreadsheet's Shift_JIS, UTF-16)
        text, encoding = _not_utf8(path, error.object), "cp932"
        sha256 = hashlib.sha256(error.object).hexdigest()
    except OSError as error:
        raise DataError(path, f"cannot be read: {error.strerror or error}") from None
    if "\0" in text:
        raise DataError(path, "is not a text file (binary)")
    # (the file's bytes: they decoded strictly)
    return text, encoding, sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_text(path: str, text: str, columns, encoding: str, sha256: str) -> OwnData:
    """The two columns of a file's text, checked."""
    name = os.path.basename(path) or path
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write
    rows, separator = _rows(path, text)
    header, rows = _header(path, rows)
    width = max(len(cells) for _, cells in rows) if rows else len(header or ())
    if width < 2:
        raise DataError(path, "has one column: two are needed, x and y")
    i, j = _columns(path, columns, header, width)
    x_written = _dates_written(rows, i)
    x = (
        _numbers(path, rows, i, _decimal_commas(path, rows, i, separator), x_column=True)
        if x_written is None
        else _dates(path, rows, i)
    )
    y = _numbers(path, rows, j, _decimal_commas(path, rows, j, separator))
    names = list(header or ())
    labels = tuple(
        names[k] if k < len(names) and names[k] else default for k, default in ((i, "x"), (j, "y"))
    )
    # (the path is recorded whole: a replay from another folder finds the same file)
    result = OwnData(x, y, name, os.path.abspath(path), sha256, *labels, x_written, encoding)
    check_points(path, result.x, result.y)
    return result


def _not_utf8(path: str, raw: bytes) -> str:
    """The text of a file that is not UTF-8: Shift_JIS (cp932, what a Japanese Excel writes) if it
    decodes cleanly as such; DataError if not."""
    text_like = b"\0" not in raw[:4096] or raw[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not text_like:
        raise DataError(path, "is not a text file (binary)")
    try:
        text = raw.decode("cp932")
    except UnicodeDecodeError:
        text = ""
    # (a Windows-1252 file may decode too, as half-width katakana only: not taken for Japanese)
    if "\0" not in text and any(
        not char.isascii() and not 0xFF61 <= ord(char) <= 0xFF9F for char in text
    ):
        return text
    raise DataError(
        path,
        "is neither UTF-8 nor Shift_JIS (cp932) text: save it as UTF-8 "
        '(a spreadsheet\'s "CSV UTF-8")',
    ) from None


def _rows(path: str, text: str):
    """(line number, cells) of each line that is not blank or a # comment, split at the file's
    separator; and the separator."""
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise DataError(path, "is empty" if not text.strip() else "has no data, only comments")
    sample = "\n".join(line for _, line in lines[:50])
    try:
        separator = csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    # no separator on every line (a short line, say): the first one found, else spaces
    except csv.Error:
        separator = next((mark for mark in SEPARATORS[:3] if mark in sample), " ")
    if separator == " " or not any(separator in line for _, line in lines[:50]):
        return [(number, line.split()) for number, line in lines], " "  # runs of spaces or tabs
    rows = csv.reader([line for _, line in lines], delimiter=separator, skipinitialspace=True)
    rows = [(number, [cell.strip() for cell in cells]) for (number, _), cells in zip(lines, rows)]
    return _without_empty_cells(path, rows), separator


def _without_empty_cells(path: str, rows):
    """The rows without what a spreadsheet adds around a table: a row whose every cell is empty
    (,,,) is left out as a blank line is, and so is a column empty in every row, header included
    (a separator at the end of every line)."""
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise DataError(path, "has no data, only empty cells")
    width = max(len(cells) for _, cells in rows)
    kept = [k for k in range(width) if any(k < len(cells) and cells[k] for _, cells in rows)]
    if len(kept) == width:
        return rows
    return [(number, [cells[k] for k in kept if k < len(cells)]) for number, cells in rows]


#: A number as a cell may write it: 12, -1.5, .5, 3e8, nan, inf (not Python's 1_000).
NUMBER = re.compile(
    r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(nan|inf|infinity)", re.IGNORECASE
)


def _number(cell: str) -> float:
    """The number a cell holds, in ASCII or in full-width digits (１２．５, as a Japanese input
    method types them); ValueError if it is none."""
    cell = _half_width(cell)
    if not NUMBER.fullmatch(cell):
        raise ValueError(cell)
    return float(cell)


def _half_width(cell: str) -> str:
    """A cell written in full-width forms (U+FF01 to U+FF5E: １０００, －１２．５) in ASCII, by its
    compatibility form (NFKC); any other cell as it is (³ stays ³)."""
    if cell.isascii() or not all(char.isascii() or 0xFF01 <= ord(char) <= 0xFF5E for char in cell):
        return cell
    return unicodedata.normalize("NFKC", cell)


def _is_finite_number(cell: str) -> bool:
    try:
        return math.isfinite(_number(cell))
    except ValueError:
        return False


def _header(path: str, rows):
    """The first row as a header if any of its cells is not a finite number or a date
    (month,2019,2020 and x,nan are headers; 1/31/2023,5 is data, refused as a date not read)."""
    first = rows[0][1]
    data = (
        _is_finite_number(cell) or is_date(cell) or OTHER_DATE.fullmatch(cell) for cell in first
    )
    if first and not all(data):
        if len(rows) == 1:
            raise DataError(path, "has a header but no data")
        number, second = rows[1]
        if _looks_like_header(second):  # (a title above the table, as a report's sheet has)
            raise DataError(
                path,
                f"{_shown(','.join(second))} looks like a header: delete the title row(s) above it",
                number,
            )
        return first, rows[1:]
    return None, rows


def _looks_like_header(cells) -> bool:
    """True for a row of names only: no cell of it a number (23,5 too) or a date, in any form."""
    return not any(
        _is_finite_number(cell)
        or DECIMAL_COMMA.fullmatch(cell)
        or is_date(cell)
        or OTHER_DATE.fullmatch(cell)
        for cell in cells
    ) and any(cells)


def _columns(path: str, columns: Optional[str], header, width: int):
    """The indices of the x and y columns."""
    if columns is None:
        if width > 2:
            names = _names(header) if header else f"{width} of them"
            raise DataError(
                path, f"has {width} columns ({names}): choose x and y with --data-columns A,B"
            )
        return 0, 1
    parts = [part.strip() for part in str(columns).split(",")]
    if len(parts) != 2:
        raise SettingError("data_columns", "two columns A,B (names or numbers from 1)", columns)
    chosen = []
    for part in parts:
        if header and part in header:
            chosen.append(header.index(part))
        elif re.fullmatch("[0-9]+", part) and 1 <= int(part) <= width:
            chosen.append(int(part) - 1)
        else:
            known = f"the names {_names(header)} or " if header else ""
            raise DataError(path, f"has no column {show(part)} ({known}numbers 1 to {width})")
    if chosen[0] == chosen[1]:
        raise SettingError("data_columns", "two different columns", columns)
    return chosen


#: A message lists at most this many of a file's column names.
LISTED_NAMES = 10


def _names(header) -> str:
    """The columns' names for a message: each as it is if plain, else escaped (a name may hold a
    terminal's control sequences), cut short; at most LISTED_NAMES of them."""
    shown = [
        name
        if name.isprintable() and len(name) <= 40 and "," not in name
        else show(name if len(name) <= 40 else name[:39] + "…")
        for name in header[:LISTED_NAMES]
    ]
    more = len(header) - LISTED_NAMES
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


#: A number with a decimal comma, as a European spreadsheet writes it: 23,5 or -0,25.
DECIMAL_COMMA = re.compile(r"[-+]?[0-9]*,[0-9]+([eE][-+]?[0-9]+)?")


def _decimal_commas(path: str, rows, column: int, separator: str) -> bool:
    """True if a column writes its numbers with a decimal comma (23,5): read only where fields are
    separated by ; or a tab, and only if no number of the column has a decimal point."""
    if separator not in (";", "\t"):
        return False
    cells = [(number, cells[column]) for number, cells in rows if column < len(cells)]
    comma = next(((number, cell) for number, cell in cells if DECIMAL_COMMA.fullmatch(cell)), None)
    if comma is None:
        return False
    for number, cell in cells:
        if "." in cell and "," in cell:
            raise DataError(
                path, f"{show(cell)} is not a number (no thousands separators: 1234,5)", number
            )
        if "." in cell:
            raise DataError(
                path,
                f"{show(cell)} has a decimal point, but line {comma[0]} has a decimal comma "
                f"({show(comma[1])}): one mark for the whole column",
                number,
            )
    return True


def _numbers(
    path: str, rows, column: int, decimal_comma: bool = False, x_column: bool = False
) -> np.ndarray:
    """A column of numbers; DataError at the first cell that is none (for x, a date in a form
    that is not read says so)."""
    values = []
    for number, cells in rows:
        if column >= len(cells) or not cells[column]:
            raise DataError(path, _no_value(rows, number, column, x_column), number)
        cell = cells[column]
        try:
            value = _number(cell.replace(",", ".") if decimal_comma else cell)
        except ValueError:
            if x_column and OTHER_DATE.fullmatch(cell):
                raise DataError(path, _other_date(cell), number) from None
            why = _total_hint(cell) or _comma_hint(cell)
            raise DataError(path, f"{_shown(cell)} is not a number{why}", number) from None
        if not math.isfinite(value):
            raise DataError(path, f"{show(cell)} is not a finite number", number)
        values.append(value)
    return np.array(values)


def _shown(cell: str) -> str:
    """A cell as a message shows it: escaped, cut to 30 characters."""
    return show(cell if len(cell) <= 30 else cell[:27] + "...")


#: The first cell of a row of totals or averages, as a spreadsheet's table may end.
TOTALS = ("total", "totals", "sum", "average", "mean", "合計", "総計", "小計", "計", "平均")


#: What a row of totals is asked to do: be deleted (only rows of data are read).
TOTALS_HINT = " (a row of totals? only rows of data are read: delete it)"


def _total_hint(cell: str) -> str:
    return TOTALS_HINT if _is_total(cell) else ""


def _is_total(cell: str) -> bool:
    return cell.strip(" :：").casefold() in TOTALS


def _no_value(rows, number: int, column: int, x_column: bool) -> str:
    """The message for an empty cell; for an empty x in the last row, which holds a value (,99999),
    the hint of a row of totals."""
    last = number == rows[-1][0] and any(rows[-1][1])
    hint = TOTALS_HINT if x_column and last else ""
    return f"has no value in column {column + 1}{hint}"


def _comma_hint(cell: str) -> str:
    """What a comma in a number may mean: a decimal comma (1,5); that or thousands (1,000)."""
    if re.fullmatch(r"[-+]?[0-9]{1,3}(,[0-9]{3})+", cell):
        return (
            " (no thousands separators: 12345; a decimal comma only with ; or tabs between fields)"
        )
    if re.fullmatch(r"[-+]?[0-9]+,[0-9]+", cell):
        return " (a decimal comma is read with ; or tabs between the fields; here write 1.5)"
    return ""


# Dates

#: A date in a form that is not read (is 01/02/2023 in January or in February?): 1/31/2023,
#: 31.01.2023, 2023.1.31, 2023-1-31, 2023年1月, 2023年1月31日; with a weekday, as Excel's
#: yyyy/m/d(aaa) writes it, 2023/01/01(日); in the Japanese era, R5/1/1, 令和5年1月1日, 令和元年5月.
OTHER_DATE = re.compile(
    r"[MTSHRmtshr]?\d{1,4}([/.-])\d{1,2}\1\d{1,4}\.?([ T(（].*)?|"
    r"(令和|平成|昭和|大正|明治)?(\d{1,4}|元)年\d{1,2}月(\d{1,2}日)?.*"
)


def _other_date(cell: str) -> str:
    """The message for a date in a form that is not read: the forms that are."""
    return f"{_shown(cell)} looks like a date: dates are read as {DATE_FORMS}"


#: The forms of dates read, as the messages name them.
DATE_FORMS = "ISO 8601 (2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31"


def _dates_written(rows, column: int):
    """The cells of a column as written if its first cell is a date (ISO 8601, 2023/01/31), else
    None."""
    first = rows[0][1] if rows else []
    if column >= len(first) or not is_date(first[column]):
        return None
    return [cells[column] if column < len(cells) else "" for _, cells in rows]


def _dates(path: str, rows, column: int) -> np.ndarray:
    """A column of dates as days since 1970-01-01 UTC; DataError at the first cell that is none."""
    values = []
    for number, cells in rows:
        cell = cells[column] if column < len(cells) else ""
        if not cell:
            raise DataError(path, _no_value(rows, number, column, True), number)
        try:
            values.append(day_number(cell))
        except ValueError:
            why = _total_hint(cell) or f": dates are read as {DATE_FORMS}"
            problem = f"{_shown(cell)} is not a date like the column's first{why}"
            raise DataError(path, problem, number) from None
    return np.array(values)
