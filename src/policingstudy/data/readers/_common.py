"""Small helpers shared by the readers: file lookup, spreadsheet rows, problem reporting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from policingstudy.core.errors import DataValidationError


def need_file(folder: Path, name: str) -> Path:
    """Return ``folder / name`` or raise naming the missing file and the folder's contents."""
    path = folder / name
    if not path.is_file():
        found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise DataValidationError(
            [f"{path}: file not found; the folder holds {found or 'nothing'}"]
        )
    return path


def sheet_values(path: Path, sheet: str) -> list[list[Any]]:
    """Return every row of one worksheet as calamine reads it, starting with row 1.

    Unlike :func:`sheet_rows`, the values are calamine's own (empty cells ``""``, numbers
    ``float``) and empty rows are kept, so ``values[n - 1]`` is spreadsheet row ``n``; readers
    that check whole columns at once start from this and convert cells with :func:`as_openpyxl`
    where they need :func:`sheet_rows`' view of a row.

    Parameters
    ----------
    path
        The workbook.
    sheet
        The worksheet's name.

    Returns
    -------
    list of list
        One list of cell values per row, all of the sheet's width.

    Raises
    ------
    DataValidationError
        If the sheet is missing (lists the sheets found).
    """
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as workbook:
        if sheet not in workbook.sheet_names:
            raise DataValidationError(
                [f"{path.name}: sheet {sheet!r} not found; sheets: {workbook.sheet_names}"]
            )
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


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
    # calamine reads about ten times faster than openpyxl; its values are made to look like
    # openpyxl's (empty cells None, whole-number floats int) so readers see the same types.
    for number, raw in enumerate(sheet_values(path, sheet), start=1):
        if number < min_row:
            continue
        values = openpyxl_values(raw)
        if any(v is not None and v != "" for v in values):
            yield number, values


def openpyxl_values(raw: list[Any]) -> tuple[Any, ...]:
    """Convert one row of calamine values with :func:`as_openpyxl`, as :func:`sheet_rows` does."""
    return tuple(map(as_openpyxl, raw))


def as_openpyxl(value: Any) -> Any:
    """Make a calamine cell value look like openpyxl's: ``""`` is None, whole floats are int."""
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
