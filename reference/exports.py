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
import decimal
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
    if isinstance(value, int | float | decimal.Decimal | datetime.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_format(request: HttpRequest) -> str | None:
    """``csv`` or ``xlsx`` when the list is asked as a file, else ``None`` (the page)."""
    value = request.GET.get("export")
    if value in FORMATS:
        _export_request.set(request)
        return value
    return None


def table_rows(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[list[Any]]:
    """Header then one list of safe cells per row (what both formats write, and what tests compare)."""
    yield [column.header for column in columns]
    for row in rows:
        yield [safe_cell(column.value(row)) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(value: Any) -> Any:
    """Dates as French Excel reads them (``JJ/MM/AAAA``, a moment in local time as the XLSX
    writes it), decimals with a comma (``12,5``)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float | decimal.Decimal):
        return str(value).replace(".", ",")
    return value


def _csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff"  # BOM: French Excel then reads UTF-8
    for line in table_rows(columns, rows):
        yield writer.writerow([_csv_text(value) for value in line])


# The request that asked for the file, kept by ``export_format`` (every export view calls it
# first) for the XLSX's "Informations" sheet: who exported, with which filters.
_export_request: ContextVar[HttpRequest | None] = ContextVar("export_request", default=None)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FORMAT, DATETIME_FORMAT = "DD/MM/YYYY", "DD/MM/YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 8, 60


def _xlsx_value(value: Any) -> Any:
    """Real dates and numbers: a datetime in local time to the minute (Excel has no time zone), a
    date given as "yyyy-mm-dd" text as a date; numbers stay numbers, other text stays text."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _width(value: Any) -> int:
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(part) for part in str(value).splitlines()), default=0)


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\): « reunions-59 » → « Reunions 59 »."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title.replace("-", " ").replace("_", " ")).strip() or "Données"
    return (name[0].upper() + name[1:])[:31]


def _filters(request: HttpRequest | None) -> str:
    if request is None:
        return "aucun"
    pairs = [f"{key} = {value}" for key, value in request.GET.items() if key != "export" and value != ""]
    return " ; ".join(pairs) or "aucun"


def _who(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{name} <{user.email}>" if name else str(user.email)


def information_rows(*, title: str, request: HttpRequest | None, count: int) -> list[tuple[str, Any]]:
    """The « Informations » sheet of every XLSX: what, when (local time), by whom, with which
    filters, from which page, how many rows."""
    return [
        ("Export", title),
        ("Exporté le", timezone.localtime().replace(tzinfo=None, microsecond=0)),
        ("Par", _who(request)),
        ("Filtres", _filters(request)),
        ("Page", request.path if request is not None else ""),
        ("Lignes", count),
        ("Source", "Quartiers – suivi de la circulaire du Premier ministre du 22 janvier 2019"),
    ]


def _xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], title: str, request: HttpRequest | None) -> bytes:
    """The data sheet first (header in bold, frozen, with an auto-filter; columns as wide as their
    content; real dates and numbers), then an « Informations » sheet: what, when, by whom, filters."""
    lines = [[_xlsx_value(value) for value in line] for line in table_rows(columns, rows)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    widths = [MIN_WIDTH] * len(columns)
    for line in lines:
        for index, value in enumerate(line):
            widths[index] = min(MAX_WIDTH, max(widths[index], _width(value) + 2))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(lines), 1)}"
    bold = Font(bold=True)
    for index, line in enumerate(lines):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=value)
            if index == 0:
                cell.font = bold
            elif isinstance(value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    about = workbook.create_sheet("Informations")
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 80
    for label, value in information_rows(title=_sheet_title(title), request=request, count=max(len(lines) - 1, 0)):
        name = WriteOnlyCell(about, value=label)
        name.font = bold
        cell = WriteOnlyCell(about, value=safe_cell(value))
        if isinstance(value, datetime.datetime):
            cell.number_format = DATETIME_FORMAT
        about.append([name, cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    *,
    fmt: str,
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    title: str = "",
    request: HttpRequest | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """The file response: ``filename`` without extension, ``rows`` the page's rows (already scoped);
    the XLSX's sheet is named after ``title`` (else the file's name), its « Informations » sheet
    after ``request`` (else the one ``export_format`` kept: a view that asks for the file without
    ``?export=``, as the inbox's selection, passes its own, never an earlier request's)."""
    asked_by = request or _export_request.get()
    _export_request.set(None)
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx_bytes(columns, rows, title or filename, asked_by), content_type=XLSX_TYPE)
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
