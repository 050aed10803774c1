"""Draw the cells an independent second coder codes (issue: coding you can defend).

Every hand-coded cell (unit x indicator coded by the primary coder c1) of the units that exist
when the sample is drawn is eligible. Per jurisdiction, ``SHARE`` of the cells are drawn at
random with the seed below (stratified by jurisdiction, :func:`policingstudy.methods.reliability
.sample_items`), so at least that share of each jurisdiction's cells is coded twice. Cells an
earlier second coder already coded stay coded; the sample lists which of the drawn cells still
need a second coding.

Run from the repository root: ``python scripts/draw_double_coding_sample.py``. It writes
``data/raw/dataset/double_coding_sample.csv`` (unit_id, indicator_id, jurisdiction,
already_double) and prints the counts. Re-running it with the same data gives the same file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from policingstudy.core.io import write_csv
from policingstudy.core.paths import ProjectPaths
from policingstudy.data.dataset import load_dataset
from policingstudy.methods.reliability import sample_items

SEED = 20261203
SHARE = 0.55
OUTPUT = "double_coding_sample.csv"


def main() -> None:
    """Draw the sample and write it next to the codings."""
    paths = ProjectPaths.discover()
    data = load_dataset(paths)
    units = data["units"][["unit_id", "jurisdiction"]]
    by_coder = data["codings_by_coder"]
    cells = by_coder[by_coder["coder"] == "c1"][["unit_id", "indicator_id"]].merge(
        units, on="unit_id", how="inner"
    )
    drawn = sample_items(cells, share=SHARE, rng=np.random.default_rng(SEED), strata="jurisdiction")
    second = by_coder[by_coder["coder"] == "c2"][["unit_id", "indicator_id"]].assign(
        already_double=True
    )
    out = drawn.merge(second, on=["unit_id", "indicator_id"], how="left")
    out["already_double"] = out["already_double"].fillna(False).astype(bool)
    out = out[["unit_id", "indicator_id", "jurisdiction", "already_double"]]
    write_csv(paths.dataset / OUTPUT, out.sort_values(["jurisdiction", "unit_id", "indicator_id"]))
    summary = out.groupby("jurisdiction")["already_double"].agg(["size", "sum"])
    summary["cells"] = cells.groupby("jurisdiction").size()
    summary["to_code"] = summary["size"] - summary["sum"]
    print(summary.rename(columns={"size": "drawn", "sum": "already_double"}))


if __name__ == "__main__":
    main()
