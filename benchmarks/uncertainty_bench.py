"""Time the Monte Carlo uncertainty analysis on a realistic synthetic dataset.

Synthetic data shaped like the study's: ~150 units (KZ, UK-EW, US, DE bodies) x 25 ordinal
indicators (0-3) in 7 dimensions, ~15% cells missing, 10% of coded cells uncertain (coder
disagreement or low confidence), 12 jurisdiction systems combined with the ``best`` rule.

Run: ``.venv/bin/python benchmarks/uncertainty_bench.py [n_draws]``. Target: 10,000 draws <= 2 s.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from policingstudy.methods.index.uncertainty import IndexOptions, coding_alternatives, monte_carlo

N_UNITS, N_INDICATORS, N_DIMENSIONS, N_SYSTEMS = 150, 25, 7, 12


def synthetic(rng: np.random.Generator) -> tuple[pd.DataFrame, ...]:
    """Values, meta, membership, consensus codings and scales of a synthetic study.

    Each of the 12 systems has its own quality level; its units' codes scatter around it.
    """
    units = [f"U{i:03d}" for i in range(N_UNITS)]
    codes = [f"I{j:02d}" for j in range(N_INDICATORS)]
    dims = [f"D{j % N_DIMENSIONS + 1}" for j in range(N_INDICATORS)]
    systems = [f"S{s:02d}" for s in range(N_SYSTEMS)]
    system_of = rng.integers(0, N_SYSTEMS, size=N_UNITS)
    system_of[:N_SYSTEMS] = np.arange(N_SYSTEMS)  # every system has a unit
    quality = rng.uniform(0.3, 2.7, size=(N_SYSTEMS, N_DIMENSIONS))[system_of]
    centre = quality[:, [j % N_DIMENSIONS for j in range(N_INDICATORS)]]
    raw = np.clip(np.rint(centre + rng.normal(0, 0.8, size=centre.shape)), 0, 3)
    raw[rng.random(raw.shape) < 0.15] = np.nan
    values = pd.DataFrame(raw, index=units, columns=codes)
    meta = pd.DataFrame(
        [(c, 1, d, 1.0, 1) for c, d in zip(codes, dims, strict=True)]
        + [(d, 2, "INDEX", 1.0, 1) for d in sorted(set(dims))]
        + [("INDEX", 3, None, 1.0, 1)],
        columns=["iCode", "Level", "Parent", "Weight", "Direction"],
    )
    membership = pd.DataFrame({"system_id": [systems[s] for s in system_of], "unit_id": units})
    long = values.stack().rename("value").reset_index()
    long.columns = ["unit_id", "indicator_id", "value"]
    long["status"] = "coded"
    long["confidence"] = np.where(rng.random(len(long)) < 0.10, "low", "high")
    scales = {c: (0.0, 3.0) for c in codes}
    return values, meta, membership, long, scales


def main(n_draws: int = 10_000) -> None:
    """Print the wall time of ``n_draws`` draws for two option sets."""
    rng = np.random.default_rng(20240601)
    values, meta, membership, codings, scales = synthetic(rng)
    coding = coding_alternatives(codings, scales=scales)
    goalposts = scales
    configs = {
        "minmax(scale)+rank x arithmetic+geometric, mean rule": IndexOptions(
            normalise=("minmax", "rank"),
            aggregate=("arithmetic", "geometric"),
            goalposts=goalposts,
            system_rule="mean",
        ),
        "minmax(scale)+rank x arithmetic+geometric, best rule": IndexOptions(
            normalise=("minmax", "rank"), aggregate=("arithmetic", "geometric"), goalposts=goalposts
        ),
        "minmax(scale) x arithmetic+geometric+copeland, mean rule": IndexOptions(
            aggregate=("arithmetic", "geometric", "copeland"),
            goalposts=goalposts,
            system_rule="mean",
        ),
    }
    print(
        f"{N_UNITS} units x {N_INDICATORS} indicators, {N_SYSTEMS} systems, "
        f"{len(coding)} uncertain cells, {n_draws} draws"
    )
    for name, options in configs.items():
        start, cpu = time.perf_counter(), time.process_time()
        result = monte_carlo(
            values,
            meta,
            n_draws=n_draws,
            rng=np.random.default_rng(1),
            options=options,
            membership=membership,
            coding=coding,
            origin="S00",
        )
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        p = result.nearest_probability().iloc[0]
        print(
            f"{name}: wall {elapsed:.2f} s, cpu {cpu:.2f} s "
            f"(nearest to S00: {p['model']} p={p['probability']:.3f})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
