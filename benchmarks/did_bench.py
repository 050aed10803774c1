"""Time Callaway & Sant'Anna on mpdta: our wrapper ``att_gt`` against moderndid called directly.

Usage::

    python benchmarks/did_bench.py [--mirror PATH] [--repeat N]

The mirror defaults to ``$POLICINGSTUDY_MIRROR``. Both calls estimate the same model (never-
treated controls, doubly robust, no covariates, analytic SEs); only ``att_gt`` is timed. The
wrapper additionally checks the panel and counts dropped rows. One warm-up call each
(imports, caches) precedes the timed repeats; the median and minimum are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=os.environ.get("POLICINGSTUDY_MIRROR"))
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if args.mirror is None:
        parser.error("give --mirror or set POLICINGSTUDY_MIRROR")
    data = pd.read_csv(Path(args.mirror) / "mpdta" / "mpdta.csv")

    from moderndid import aggte
    from moderndid import att_gt as md_att_gt

    from policingstudy.methods.causal.did import att_gt

    def ours() -> object:
        return att_gt(data, y="lemp", unit="countyreal", time="year", group="first.treat")

    def direct() -> object:
        return md_att_gt(
            data=data,
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            est_method="dr",
            control_group="nevertreated",
            boot=False,
            cband=False,
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        simple = aggte(direct(), type="simple", boot=False, cband=False).overall_att
        if abs(ours().aggregate("simple").att - simple) > 1e-12:  # type: ignore[attr-defined]
            raise SystemExit("the wrapper and moderndid disagree")
        results = {"policingstudy att_gt": timed(ours, args.repeat)}
        results["moderndid att_gt   "] = timed(direct, args.repeat)
    print(f"mpdta: {len(data)} rows, {data['countyreal'].nunique()} units; {args.repeat} repeats")
    for name, times in results.items():
        print(
            f"{name}: median {statistics.median(times) * 1e3:7.1f} ms, "
            f"min {min(times) * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
