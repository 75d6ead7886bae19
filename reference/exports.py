"""The one export mechanism of every list: a list of columns and the rows
the page already shows (its selector, hence the user's scope), out as CSV or XLSX.

- CSV for French Excel: UTF-8 **with BOM**, ``;`` separator, CRLF, streamed row by row.
- XLSX through openpyxl's write-only workbook (the same library as the PAQTE report,
  ``workflows.paqte.exports``, which uses ``safe_cell`` too).
- Formula injection (OWASP "CSV injection"): a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is prefixed with an apostrophe, so a spreadsheet shows it
  as text instead of running it. Numbers stay numbers (a negative count is not text).

A view calls ``export_response`` when ``?export=csv`` or ``?export=xlsx`` is in the query string;
the page shows the links with ``{% export_links %}`` (``reference.templatetags.exports``), which
keep the page's filters.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def safe_cell(value: Any) -> Any:
    """The value to write in a cell: text never starts like a formula; ``None`` is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_format(request: HttpRequest) -> str | None:
    """``csv`` or ``xlsx`` when the list is asked as a file, else ``None`` (the page)."""
    value = request.GET.get("export")
    return value if value in FORMATS else None


def table_rows(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[list[Any]]:
    """Header then one list of safe cells per row (what both formats write, and what tests compare)."""
    yield [column.header for column in columns]
    for row in rows:
        yield [safe_cell(column.value(row)) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def _csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"  # BOM: French Excel then reads UTF-8
    for line in table_rows(columns, rows):
        yield writer.writerow([_csv_text(value) for value in line])


def _xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    for index, line in enumerate(table_rows(columns, rows)):
        if index == 0:
            header = []
            for value in line:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
        else:
            sheet.append(
                [value.replace(tzinfo=None) if isinstance(value, datetime.datetime) else value for value in line]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *, fmt: str, filename: str, columns: Sequence[Column], rows: Iterable[Any], title: str = "Export"
) -> HttpResponse | StreamingHttpResponse:
    """The file response: ``filename`` without extension, ``rows`` the page's rows (already scoped)."""
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx_bytes(columns, rows, title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def department_label(department: Any) -> str:
    """« Nord (59) », the département cell of every export (empty for national rows)."""
    return f"{department.name} ({department.code})" if department is not None else "national"


class ExportMixin:
    """For a ``ListView``: ``?export=csv|xlsx`` answers the whole filtered list (every page of it,
    from the same ``get_queryset`` as the page, hence the same scope) as a file."""

    export_filename = "export"
    export_columns: Sequence[Column] = ()

    def get_export_rows(self) -> Iterable[Any]:
        return self.get_queryset()  # type: ignore[attr-defined]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fmt = export_format(request)
        if fmt:
            return export_response(
                fmt=fmt,
                filename=self.export_filename,
                columns=self.export_columns,
                rows=self.get_export_rows(),
                title=self.export_filename,
            )
        return super().get(request, *args, **kwargs)  # type: ignore[misc]
