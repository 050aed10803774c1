"""pandera schemas of the raw tables, and the conversion of failures into readable problems.

Every failure becomes one line naming the file, the row (1-based data row, as in a spreadsheet
without the header), the column, what was found and what was expected.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from policingstudy.core.errors import DataValidationError

TEXT = pa.Column(str, pa.Check.str_length(min_value=1), nullable=False)
LABELS = {f"label_{lang}": TEXT for lang in ("en", "kk", "ru")}

THESIS_TOPICS = pa.DataFrameSchema(
    {
        "topic_id": pa.Column(str, pa.Check.str_matches(r"^T\d{2}$"), unique=True),
        "starts_with": TEXT,
        **LABELS,
        "kind": pa.Column(
            str,
            pa.Check.isin(
                ["foundations", "mechanism", "problem", "foreign", "programme", "conclusion"]
            ),
        ),
        "article_refs": pa.Column(str, nullable=True, required=True),
    },
    strict=True,
)
THESIS_PROBLEMS = pa.DataFrameSchema(
    {"problem_id": pa.Column(str, pa.Check.str_matches(r"^P\d$"), unique=True), **LABELS},
    strict=True,
)
THESIS_PROGRAMME = pa.DataFrameSchema(
    {"item_id": pa.Column(str, pa.Check.str_matches(r"^R\d$"), unique=True), **LABELS},
    strict=True,
)
THESIS_MODELS = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str, unique=True),
        "jurisdiction": pa.Column(str, pa.Check.isin(["UK-EW", "US", "DE"])),
        **LABELS,
    },
    strict=True,
)
THESIS_REFERENCES = pa.DataFrameSchema(
    {"ref": pa.Column("Int64", unique=True), "citation_original": TEXT}, strict=True
)


def record_lines(path: Path) -> list[int]:
    """Check a CSV's structure and return the editor line on which each data record starts.

    Every record must have as many fields as the header, and every quote must close: a stray
    or missing quote shifts every later field, so it is reported once, at the line where the
    structure first breaks, instead of as a cascade of wrong values.

    Raises
    ------
    DataValidationError
        ``<file>: line N: 13 fields, the header has 9: check the quotes on this line`` or
        ``<file>: line N: a quoted field is not closed before the end of the file``.
    """
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: list[int] = []
    start = 1
    try:
        header = next(reader)
        start = reader.line_num + 1
        for record in reader:
            if record and len(record) != len(header):
                raise DataValidationError(
                    [
                        f"{path}: line {start}: {len(record)} fields, the header has "
                        f"{len(header)}: check the quotes and commas on this line"
                    ]
                )
            if record:
                lines.append(start)
            start = reader.line_num + 1
    except StopIteration:
        return []
    except csv.Error as exc:
        raise DataValidationError(
            [
                f"{path}: line {start}: {exc}: a quoted field is not closed (or a quote is "
                "misplaced) from this line on"
            ]
        ) from None
    return lines


def read_csv(path: Path) -> pd.DataFrame:
    """Read a raw CSV as strings (empty cells become NaN), never modifying it.

    The structure is checked first (:func:`record_lines`).
    """
    if not path.is_file():
        raise DataValidationError([f"{path}: file not found"])
    record_lines(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def problems_from(errors: SchemaErrors, file: str) -> list[str]:
    """Turn pandera's failure cases into one readable line each."""
    lines = []
    cases = errors.failure_cases.fillna("")
    for case in cases.itertuples(index=False):
        row = f"row {int(case.index) + 1}" if str(case.index) != "" else "all rows"
        column = case.column or "(table)"
        lines.append(
            f"{file}: {row}, column {column!r}: found {case.failure_case!r}; expected {case.check}"
        )
    return lines


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> pd.DataFrame:
    """Validate ``frame`` lazily, collecting every problem.

    Raises
    ------
    DataValidationError
        Listing every failure with file, row, column, found and expected.
    """
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        raise DataValidationError(problems_from(errors, file)) from None
