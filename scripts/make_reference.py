"""Write ``data/raw/reference/published.json``: every published or reference number the tests use.

Each number sits here once, next to where it comes from (publication or package version, the call
or R code that produces it, the page, table or printed output it was read from) and the tolerance
the tests allow. The tests and the report's validation table read the JSON through
:mod:`policingstudy.data.reference`; ``tests/test_reference.py`` checks that this script
reproduces the checked-in file byte for byte.

R is not run here: for R results the script records the R code and the value its output printed.

Usage (from the repository root)::

    python scripts/make_reference.py            # rewrite the JSON
    python scripts/make_reference.py --check    # exit 1 if the JSON is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "data" / "raw" / "reference" / "published.json"

TWFEWEIGHTS_COMMIT = "21ef5d9e49a0555dc280582deeb5451893a6da90"
TWFEWEIGHTS_README = (
    f"https://github.com/bcallaway11/twfeweights/blob/{TWFEWEIGHTS_COMMIT}/README.md"
)
MPDTA_DATA = "mpdta of the R package did (tests/data/mpdta: the csdid copy, sha256 2283bea1...3167)"

# Where the numbers come from: id -> citation, call, location, note.
SOURCES: dict[str, dict[str, str]] = {
    "r_did_mpdta": {
        "citation": (
            "Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple "
            "time periods. Journal of Econometrics 225(2), 200-230. R package did 2.5."
        ),
        "call": (
            'library(did); data(mpdta); out <- att_gt(yname = "lemp", tname = "year", '
            'idname = "countyreal", gname = "first.treat", data = mpdta, '
            'control_group = "nevertreated", est_method = "dr", bstrap = FALSE); '
            'aggte(out, type = "simple", bstrap = FALSE); '
            'aggte(out, type = "dynamic", bstrap = FALSE); '
            "out$att and out$se for group 2004, time 2006; printed with digits = 15"
        ),
        "location": (
            "R output of the call as quoted in the project's issue 6 (not re-run for this "
            "script: R is not available here). ATT(2004, 2006) = -0.137258739 is also printed "
            f"to 9 decimals in the attgt column of the twfeweights README ({TWFEWEIGHTS_README})."
        ),
        "note": (
            f"Data: {MPDTA_DATA}. Never-treated controls, doubly robust, no covariates, varying "
            "base period (the did default), analytic standard errors."
        ),
    },
    "twfeweights_readme": {
        "citation": (
            "Callaway, B. twfeweights (R package), README.md, GitHub bcallaway11/twfeweights, "
            f"commit {TWFEWEIGHTS_COMMIT}."
        ),
        "call": (
            'attgt <- did::att_gt(yname = "lemp", idname = "countyreal", gname = "first.treat", '
            'tname = "year", data = mpdta, control_group = "nevertreated", '
            'base_period = "universal"); wO <- attO_weights(attgt); wO <- wO[wO$G != 0, ]; '
            "sum(wO$wOgt * wO$attgt)"
        ),
        "location": f"{TWFEWEIGHTS_README}: printed output '[1] -0.03101828'.",
        "note": (
            "The ATT^O weights average the post-treatment ATT(g,t) as did's group aggregation "
            "does; post-treatment ATT(g,t) do not depend on the base period, so the value "
            "applies to the varying-base-period fit. Tolerance: half a unit of the last printed "
            "digit."
        ),
    },
    "fixest_mpdta": {
        "citation": (
            "Berge, L. (2018). Efficient estimation of maximum likelihood models with multiple "
            "fixed-effects: the R package FENmlm. CREA Discussion Papers 13. R package fixest; "
            f"output printed in the twfeweights README, commit {TWFEWEIGHTS_COMMIT}."
        ),
        "call": (
            "mpdta$post <- 1 * ((mpdta$year >= mpdta$first.treat) & (mpdta$treat == 1)); "
            'fixest::feols(lemp ~ post | countyreal + year, cluster = "countyreal", data = mpdta)'
        ),
        "location": (
            f"{TWFEWEIGHTS_README}: coefficient table row "
            "'post -0.036549   0.013265 -2.75526 0.006079'."
        ),
        "note": (
            "Clustered by county; fixest's small-sample correction G/(G-1) x (n-1)/(n-K) with "
            "K = 1 + 5 year effects (county effects nested in the clusters); p-value from "
            "t(G - 1 = 499). Tolerance: half a unit of the last printed digit."
        ),
    },
    "linearmodels_wage_panel": {
        "citation": (
            "Sheppard, K. linearmodels documentation, 'Panel Data Model Estimation', examples "
            "on the wage panel of Vella and Verbeek (1998) (linearmodels.datasets.wage_panel)."
        ),
        "call": (
            "from linearmodels import PanelOLS; from linearmodels.datasets import wage_panel; "
            'data = wage_panel.load().set_index(["nr", "year"]); '
            'PanelOLS.from_formula("lwage ~ 1 + expersq + union + married + EntityEffects + '
            'TimeEffects", data).fit()'
        ),
        "location": (
            "Parameter table of the documentation's two-way fixed effects example, printed to "
            "4 decimals (default unadjusted covariance); the call above prints the same values "
            "with linearmodels 6."
        ),
        "note": "Tolerance: half a unit of the last printed digit.",
    },
    "coinr_asem": {
        "citation": (
            "Becker, W., Caperna, G., Del Sorbo, M., Norlen, H., Papadimitriou, E. and Saisana, M. "
            "(2022). COINr: An R package for developing composite indicators. Journal of Open "
            "Source Software 7(78), 4567. ASEM example of the package (GitHub bluefoxr/COINr, "
            "commit cb3cb5a495a58f6172ea0e74944d4b26bfc2ca18)."
        ),
        "call": (
            "coin <- build_example_coin(quietly = TRUE)  # ... Normalise(coin, dset = "
            '"Treated", global_specs = list(f_n = "n_minmax", f_n_para = list(c(0, 100)))); '
            'Aggregate(coin, dset = "Normalised", f_ag = "a_amean"); '
            'agg <- coin$Data$Aggregated; head(agg[order(-agg$Index), c("uCode", "Index")])'
        ),
        "location": (
            "COINr documentation and results for the ASEM example: the six highest Index values, "
            "rounded to 2 decimals (as recorded in tests/test_composite_asem.py when the test "
            "was written; not re-read for this script)."
        ),
        "note": (
            "Reproduced from the Treated data and iMeta shipped in tests/data/coinr_asem. "
            "Tolerance: half a unit of the last printed digit."
        ),
    },
    "ahp_leader_example": {
        "citation": (
            "Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill. Worked example "
            "'Choose a leader' of the Wikipedia article 'Analytic hierarchy process - leader "
            "example'."
        ),
        "call": (
            "Principal eigenvector of the pairwise comparison matrix of the criteria Experience, "
            "Education, Charisma, Age: [[1, 4, 3, 7], [1/4, 1, 1/3, 3], [1/3, 3, 1, 5], "
            "[1/7, 1/3, 1/5, 1]]; CR = (lambda_max - 4) / 3 / RI(4), RI(4) = 0.90"
        ),
        "location": (
            "The article's table of criteria priorities (.547, .127, .270, .056, 3 decimals) and "
            "its consistency ratio 0.044 (4.4 %)."
        ),
        "note": "Tolerance: the printed rounding (3 decimals).",
    },
    "krippendorff_2011": {
        "citation": (
            "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School "
            "for Communication Departmental Papers 43, University of Pennsylvania."
        ),
        "call": (
            "Section C: 4 observers x 12 units, values 1-5 with missing cells (the matrix in "
            "tests/test_reliability.py, also used in the krippendorff package's tests)"
        ),
        "location": "Section C, the alpha of each metric, printed to 3 decimals.",
        "note": "Tolerance: half a unit of the last printed digit.",
    },
    "ishigami_analytic": {
        "citation": (
            "Ishigami, T. and Homma, T. (1990). An importance quantification technique in "
            "uncertainty analysis for computer models. ISUMA '90; analytical indices as given by "
            "Saltelli, A. et al. (2008). Global Sensitivity Analysis: The Primer. Wiley."
        ),
        "call": (
            "f(x) = sin(x1) + 7 sin(x2)^2 + 0.1 x3^4 sin(x1), inputs uniform on [-pi, pi]; "
            "first-order (S1) and total (ST) Sobol indices"
        ),
        "location": "Analytical values, printed to 4 decimals.",
        "note": (
            "Tolerance 0.03: the sampling error of sobol_indices with 2**13 base points (bootstrap "
            "95% half-widths 0.01-0.03), not the rounding."
        ),
    },
}


def _refs() -> dict[str, dict[str, object]]:
    """Each reference: name -> value, tolerance, source id and note."""
    refs: dict[str, dict[str, object]] = {}

    def add(name: str, value: float, tolerance: float, source: str, note: str = "") -> None:
        if name in refs:
            raise ValueError(f"reference {name!r} defined twice")
        if source not in SOURCES:
            raise ValueError(f"reference {name!r}: unknown source {source!r}")
        refs[name] = {"value": value, "tolerance": tolerance, "source": source, "note": note}

    # R did 2.5 on mpdta (analytic SEs)
    for quantity, att, se, what in [
        ("simple", -0.0399512751551763, 0.0120340127701854, 'aggte(type = "simple")'),
        ("dynamic", -0.0772398214573151, 0.0199649890618494, 'aggte(type = "dynamic") overall'),
        ("attgt_2004_2006", -0.137258738889403, 0.0364356642876865, "ATT(g = 2004, t = 2006)"),
    ]:
        add(f"did.mpdta.{quantity}.att", att, 1e-8, "r_did_mpdta", what)
        add(f"did.mpdta.{quantity}.se", se, 1e-8, "r_did_mpdta", f"{what}, analytic SE")
    add("did.mpdta.group_att", -0.03101828, 5e-9, "twfeweights_readme", "ATT^O")
    # fixest TWFE on mpdta
    for stat, value, tolerance in [
        ("coef", -0.036549, 5e-7),
        ("se", 0.013265, 5e-7),
        ("t", -2.75526, 5e-6),
        ("pvalue", 0.006079, 5e-7),
    ]:
        add(f"fixest.mpdta.post.{stat}", value, tolerance, "fixest_mpdta")
    # linearmodels documentation, wage panel
    for term, coef, se in [
        ("expersq", -0.0052, 0.0007),
        ("union", 0.0800, 0.0193),
        ("married", 0.0467, 0.0183),
    ]:
        add(f"linearmodels.wage_panel.{term}.coef", coef, 5e-5, "linearmodels_wage_panel")
        add(f"linearmodels.wage_panel.{term}.se", se, 5e-5, "linearmodels_wage_panel")
    # COINr ASEM index, ranks 1-6 in this order
    for rank, (unit, value) in enumerate(
        [("CHE", 68.38), ("NLD", 64.82), ("DNK", 64.80), ("NOR", 64.47), ("BEL", 63.54),
         ("SWE", 63.00)],
        start=1,
    ):  # fmt: skip
        add(f"coinr.asem.index.{unit}", value, 0.005, "coinr_asem", f"rank {rank}")
    # AHP leader example
    for criterion, weight in [
        ("Experience", 0.547),
        ("Education", 0.127),
        ("Charisma", 0.270),
        ("Age", 0.056),
    ]:
        add(f"ahp.leader.weight.{criterion}", weight, 1e-3, "ahp_leader_example")
    add("ahp.leader.consistency_ratio", 0.044, 5e-4, "ahp_leader_example")
    # Krippendorff's alpha, worked example
    for level, alpha in [
        ("nominal", 0.743),
        ("ordinal", 0.815),
        ("interval", 0.849),
        ("ratio", 0.797),
    ]:
        add(f"krippendorff.example.{level}", alpha, 5e-4, "krippendorff_2011")
    # Ishigami function, a = 7, b = 0.1
    for index, values in [("S1", (0.3139, 0.4424, 0.0)), ("ST", (0.5576, 0.4424, 0.2437))]:
        for i, value in enumerate(values, start=1):
            add(f"ishigami.{index}.x{i}", value, 0.03, "ishigami_analytic")
    return refs


def render() -> str:
    """The JSON text: sorted keys, two-space indent, a trailing newline."""
    document = {
        "version": 1,
        "generator": "scripts/make_reference.py",
        "sources": SOURCES,
        "references": _refs(),
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the reference file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.is_file() else ""
        if current != text:
            print(f"{TARGET}: out of date; run scripts/make_reference.py", file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(_refs())} references)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
