"""Small helpers shared by the readers: file lookup, spreadsheet rows, problem reporting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from policingstudy.errors import DataValidationError


def need_file(folder: Path, name: str) -> Path:
    """Return ``folder / name`` or raise naming the missing file and the folder's contents."""
    path = folder / name
    if not path.is_file():
        found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise DataValidationError(
            [f"{path}: file not found; the folder holds {found or 'nothing'}"]
        )
    return path


def sheet_rows(
    path: Path, sheet: str, *, min_row: int = 1
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Yield ``(row_number, values)`` of one worksheet, 1-based as in a spreadsheet.

    Cached formula values are read with calamine; empty rows are skipped.

    Raises
    ------
    DataValidationError
        If the sheet is missing (lists the sheets found).
    """
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    if sheet not in workbook.sheet_names:
        raise DataValidationError(
            [f"{path.name}: sheet {sheet!r} not found; sheets: {workbook.sheet_names}"]
        )
    # calamine reads about ten times faster than openpyxl; its values are made to look like
    # openpyxl's (empty cells None, whole-number floats int) so readers see the same types.
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    for number, raw in enumerate(rows, start=1):
        if number < min_row:
            continue
        values = tuple(_as_openpyxl(v) for v in raw)
        if any(v is not None and v != "" for v in values):
            yield number, values


def _as_openpyxl(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def clean_text(value: object) -> str:
    """Collapse non-breaking and repeated spaces and strip; None becomes ''."""
    if value is None:
        return ""
    return " ".join(str(value).replace("\xa0", " ").split())


def raise_problems(problems: list[str]) -> None:
    """Raise :class:`DataValidationError` if there are problems."""
    if problems:
        raise DataValidationError(problems)
