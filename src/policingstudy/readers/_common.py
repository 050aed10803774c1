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

    The workbook is opened read-only with cached formula values; empty rows are skipped.

    Raises
    ------
    DataValidationError
        If the sheet is missing (lists the sheets found).
    """
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise DataValidationError(
                [f"{path.name}: sheet {sheet!r} not found; sheets: {workbook.sheetnames}"]
            )
        worksheet = workbook[sheet]
        for number, values in enumerate(
            worksheet.iter_rows(min_row=min_row, values_only=True), start=min_row
        ):
            if any(v is not None and v != "" for v in values):
                yield number, values
    finally:
        workbook.close()


def clean_text(value: object) -> str:
    """Collapse non-breaking and repeated spaces and strip; None becomes ''."""
    if value is None:
        return ""
    return " ".join(str(value).replace("\xa0", " ").split())


def raise_problems(problems: list[str]) -> None:
    """Raise :class:`DataValidationError` if there are problems."""
    if problems:
        raise DataValidationError(problems)
