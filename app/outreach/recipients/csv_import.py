"""Reading a CSV of recipients, row by row, without I/O.

Columns (header row, any order, names case-insensitive): ``kind``, ``country``,
``language``, ``name``, ``addressee``, ``salutation``, ``email``, ``postal_address``,
``tags`` and ``group``. The addressee's lines are separated by `` / `` or by newlines
inside a quoted field; tags by ``;``; ``group`` names a saved group the row joins (made if
missing). Empty cells are absent values.

Every problem is reported with the row's line, the column, a stable code and a message
that never repeats the cell: a report may be shown, logged or kept, the registry's
contents may not.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from pydantic import TypeAdapter, ValidationError

from app.kit.names import comparable_name
from app.outreach.recipients.schemas import GroupName, ImportProblem, RecipientIn

MAX_BYTES = 512 * 1024
MAX_ROWS = 5000
COLUMNS = (
    "kind",
    "country",
    "language",
    "name",
    "addressee",
    "salutation",
    "email",
    "postal_address",
    "tags",
    "group",
)
REQUIRED = ("kind", "language", "name", "addressee")
ADDRESSEE_SEPARATOR = " / "
TAG_SEPARATOR = ";"
MAX_CELL = 2000


class TooLarge(ValueError):
    """More than MAX_BYTES or MAX_ROWS."""


@dataclass(frozen=True)
class ParsedRow:
    row: int
    recipient: RecipientIn
    group: str | None


@dataclass
class ParsedImport:
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    total: int = 0


def duplicate_key(kind: str, country: str | None, name: str) -> tuple[str, str, str]:
    """Two recipients are one when kind, country and name (case aside) are."""
    return kind, country or "", comparable_name(name)


def _problem(row: int, column: str | None, code: str, message: str) -> ImportProblem:
    return ImportProblem(row=row, column=column, code=code, message=message)


def _cells(record: dict[str, str | None]) -> dict[str, object]:
    data: dict[str, object] = {}
    for column in COLUMNS:
        value = (record.get(column) or "").strip()
        if not value or column == "group":
            continue
        if column == "addressee":
            data[column] = value.replace(ADDRESSEE_SEPARATOR, "\n")
        elif column == "tags":
            data[column] = [tag.strip() for tag in value.split(TAG_SEPARATOR) if tag.strip()]
        else:
            data[column] = value
    return data


_GROUP_NAME: TypeAdapter[str] = TypeAdapter(GroupName)


def _group(value: str) -> str:
    return _GROUP_NAME.validate_python(value)


def parse(text: str) -> ParsedImport:
    """Every row of ``text`` validated, or the problems found; raises TooLarge."""
    if len(text.encode("utf-8", errors="surrogatepass")) > MAX_BYTES:
        raise TooLarge()
    result = ParsedImport()
    text = text.removeprefix("\ufeff")  # a BOM, as spreadsheets write it
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error:
        header = None
    if not header or not any(cell.strip() for cell in header):
        result.problems.append(_problem(1, None, "header_missing", "The file has no header row"))
        return result
    names = [cell.strip().lower().removeprefix("\ufeff") for cell in header]
    for index, name in enumerate(names):
        if name not in COLUMNS:
            result.problems.append(
                _problem(1, name[:40] or None, "column_unknown", f"Column {index + 1} is unknown")
            )
        elif names.index(name) != index:
            result.problems.append(_problem(1, name, "column_repeated", "Column named twice"))
    for name in REQUIRED:
        if name not in names:
            result.problems.append(_problem(1, name, "column_missing", "Required column missing"))
    if result.problems:
        return result

    seen: dict[tuple[str, str, str], int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            result.problems.append(
                _problem(line, None, "row_unreadable", "The row is not valid CSV")
            )
            break
        if not any(cell.strip() for cell in cells):
            continue
        result.total += 1
        if result.total > MAX_ROWS:
            raise TooLarge()
        if len(cells) != len(names):
            result.problems.append(
                _problem(
                    line,
                    None,
                    "row_width",
                    f"The row has {len(cells)} cells; the header has {len(names)}",
                )
            )
            continue
        if any(len(cell) > MAX_CELL for cell in cells):
            result.problems.append(_problem(line, None, "cell_too_long", "A cell is too long"))
            continue
        record = dict(zip(names, cells, strict=True))
        problems = _row_problems(line, record)
        if problems:
            result.problems.extend(problems)
            continue
        recipient = RecipientIn.model_validate(_cells(record))
        group_cell = (record.get("group") or "").strip()
        key = duplicate_key(recipient.kind, recipient.country, recipient.name)
        if key in seen:
            result.problems.append(
                _problem(
                    line,
                    "name",
                    "duplicate_in_file",
                    f"The same recipient as on line {seen[key]}",
                )
            )
            continue
        seen[key] = line
        result.rows.append(ParsedRow(line, recipient, _group(group_cell) if group_cell else None))
    return result


def _row_problems(line: int, record: dict[str, str]) -> list[ImportProblem]:
    problems = []
    try:
        RecipientIn.model_validate(_cells(record))
    except ValidationError as invalid:
        for error in invalid.errors(include_input=False, include_url=False):
            location = [str(part) for part in error["loc"] if isinstance(part, str)]
            column = location[0] if location else None
            if column is None and "country" in str(error["msg"]):
                column = "country"
            problems.append(
                _problem(
                    line,
                    column,
                    str(error["type"]),
                    str(error["msg"]).removeprefix("Value error, "),
                )
            )
    group_cell = (record.get("group") or "").strip()
    if group_cell:
        try:
            _group(group_cell)
        except ValidationError as invalid:
            first = invalid.errors(include_input=False, include_url=False)[0]
            problems.append(
                _problem(
                    line,
                    "group",
                    str(first["type"]),
                    str(first["msg"]).removeprefix("Value error, "),
                )
            )
    return problems
