"""Bounds on an uploaded XLSX workbook, checked before openpyxl parses it.

An XLSX file is a zip of XML. A small upload can unzip to gigabytes (a shared-strings table of one
repeated string, a sheet whose dimension claims 16,384 columns), and openpyxl reads the shared strings
whole into memory: a 1.17 MB file grew a web process to 2.24 GB. So the zip's directory is read first
(its entries' declared sizes, no decompression) and refused above `MAX_UNZIPPED_BYTES`; the reader then
bounds what it walks: rows per sheet, columns per row, characters per cell (`bounded_rows`). A zip entry
that unpacks to more than it declares is stopped by zipfile itself (it checks the size and CRC as it
reads).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import IO

from django.utils.translation import gettext as _

MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # a 269-item catalogue unzips to under 1 MB
MAX_ENTRIES = 200
MAX_ROWS = 20_000  # per sheet
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 10_000


class WorkbookTooLarge(ValueError):
    """The workbook exceeds a bound; the message names it (in the user's language)."""


def check_zip(source: IO[bytes] | str | bytes) -> None:
    """Refuse a workbook whose unzipped content would exceed the bounds, without unzipping it. A file that
    is not a zip is left to openpyxl, whose refusal the caller reports as "not an XLSX workbook"."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    position = stream.tell() if hasattr(stream, "tell") else None
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    finally:
        if position is not None:
            stream.seek(position)
    if len(entries) > MAX_ENTRIES:
        raise WorkbookTooLarge(
            _("The workbook holds %(n)s parts; at most %(max)s are accepted.")
            % {"n": len(entries), "max": MAX_ENTRIES}
        )
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNZIPPED_BYTES:
        raise WorkbookTooLarge(
            _("The workbook unzips to %(mb)s MB; at most %(max)s MB are accepted.")
            % {"mb": total // (1024 * 1024), "max": MAX_UNZIPPED_BYTES // (1024 * 1024)}
        )


def bounded_rows(worksheet, *, title: str) -> Iterator[tuple]:
    """The sheet's rows as values, at most `MAX_COLUMNS` wide (a dimension claiming more is not padded out),
    refusing a sheet of more than `MAX_ROWS` rows or a cell longer than `MAX_CELL_CHARACTERS`."""
    for number, cells in enumerate(worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS + 1:  # the header and MAX_ROWS rows
            raise WorkbookTooLarge(
                _("The sheet %(sheet)s has more than %(max)s rows.") % {"sheet": title, "max": MAX_ROWS}
            )
        for cell in cells:
            if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
                raise WorkbookTooLarge(
                    _("The sheet %(sheet)s row %(row)s has a cell of more than %(max)s characters.")
                    % {"sheet": title, "row": number, "max": MAX_CELL_CHARACTERS}
                )
        yield cells
