"""The ``reports/index.html`` page: links to every report, status and provenance."""

from __future__ import annotations

import html
import json
from typing import Any

from policingstudy.core.types import LANGS
from policingstudy.i18n import t

STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em auto;max-width:72em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#f3f3f3}.failed{color:#b00020;font-weight:bold}
.ok{color:#1b5e20}.cached{color:#555}code{font-size:.9em}details{margin:1em 0}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def render_index(payload: dict[str, Any]) -> str:
    """Render the index page from the ``run.json`` payload.

    Parameters
    ----------
    payload
        Run metadata plus ``results`` (one dict per notebook × language).

    Returns
    -------
    str
        A standalone HTML document (no external resources).
    """
    results = payload["results"]
    stems = sorted({r["stem"] for r in results})
    by_key = {(r["stem"], r["lang"]): r for r in results}
    langs = [lang for lang in LANGS if any(r["lang"] == lang for r in results)]
    head = "".join(f"<th>{_e(t('common.language_name', lang))}</th>" for lang in langs)
    rows = []
    for stem in stems:
        cells = []
        for lang in langs:
            r = by_key.get((stem, lang))
            if r is None:
                cells.append("<td>-</td>")
                continue
            link = f'<a href="{_e(lang)}/{_e(stem)}.html">{_e(stem)}.html</a>'
            error = (
                f"<br><small>cell {_e(r['cell'])}: {_e(r['error'])}</small>" if r["error"] else ""
            )
            earlier = "" if r.get("this_run", True) else " <small>(earlier run)</small>"
            cells.append(
                f'<td>{link}<br><span class="{_e(r["status"])}">{_e(r["status"])}</span> '
                f"{r['duration']:.1f}s{earlier}{error}</td>"
            )
        params: dict[str, Any] = next(
            (by_key[(stem, lang)]["parameters"] for lang in langs if (stem, lang) in by_key), {}
        )
        shown = {k: v for k, v in params.items() if k != "lang"}
        numbers_link = f'<a href="numbers/{_e(stem)}.json">numbers</a>'
        rows.append(
            f"<tr><td><b>{_e(stem)}</b><br>{numbers_link}</td>{''.join(cells)}"
            f"<td><code>{_e(json.dumps(shown, ensure_ascii=False))}</code></td></tr>"
        )
    versions = "".join(
        f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in payload["packages"].items()
    )
    inputs = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td><code>{_e(v)}</code></td></tr>"
        for k, v in payload["inputs"].items()
    )
    dirty = {True: "yes (uncommitted changes)", False: "no", None: "unknown"}[payload["git_dirty"]]
    failed = sum(r["status"] == "failed" and r.get("this_run", True) for r in results)
    verdict = (
        f'<p class="failed">{failed} run(s) failed.</p>'
        if failed
        else '<p class="ok">All runs succeeded.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>policingstudy reports</title>
<style>{STYLE}</style></head><body>
<h1>policingstudy: reports</h1>
<p>{" · ".join(_e(t("common.report_subtitle", lang)) for lang in LANGS)}</p>
{verdict}
<table><tr><th>notebook</th>{head}<th>parameters</th></tr>{"".join(rows)}</table>
<h2>Provenance</h2>
<table>
<tr><th>git commit</th><td><code>{_e(payload["git_commit"])}</code></td></tr>
<tr><th>tree dirty</th><td>{_e(dirty)}</td></tr>
<tr><th>started (UTC)</th><td>{_e(payload["started"])}</td></tr>
<tr><th>finished (UTC)</th><td>{_e(payload["finished"])}</td></tr>
<tr><th>Python</th><td>{_e(payload["python"])}</td></tr>
</table>
<details><summary>Package versions</summary><table>{versions}</table></details>
<details><summary>Input files ({len(payload["inputs"])}) and sha256</summary>
<table>{inputs}</table></details>
<p><a href="run.json">run.json</a></p>
</body></html>
"""
