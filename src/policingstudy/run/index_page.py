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
.ok{color:#1b5e20}.cached,.earlier{color:#555}code{font-size:.9em;overflow-wrap:anywhere}
details{margin:1em 0}.wrap{overflow-x:auto}td{max-width:24em}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _cell(r: dict[str, Any]) -> str:
    """One notebook x language cell: links, status, when it ran and its parameters."""
    lang, stem = _e(r["lang"]), _e(r["stem"])
    parts = []
    if r.get("has_report"):
        title = _e(r.get("title") or r["stem"])
        parts.append(f'<a href="{lang}/{stem}.html">{title}</a>')
    status = r.get("status", "ok") if r.get("this_run") else "earlier"
    label = {
        "ok": "ok",
        "cached": "unchanged",
        "failed": "failed",
        "earlier": "from an earlier run",
    }.get(status, status)
    duration = f" · ran {float(r.get('duration', 0.0)):.1f}s" if r.get("duration") else ""
    when = f" · {_e(r['finished'])}" if r.get("finished") else ""
    parts.append(f'<span class="{_e(status)}">{_e(label)}</span><small>{duration}{when}</small>')
    if status == "failed":
        where = f"cell {_e(r['cell'])}: " if r.get("cell") is not None else ""
        parts.append(f"<small>{where}{_e(r.get('error', ''))}</small>")
        if r.get("has_failure_page"):
            parts.append(f'<a href="{lang}/{stem}.failed.html">failure page</a>')
        good = r.get("last_good")
        parts.append(
            f"<small>the report shown is the last good one ({_e(good['finished'])})</small>"
            if good and r.get("has_report")
            else "<small>no earlier good report</small>"
        )
    params = {k: v for k, v in (r.get("parameters") or {}).items() if k != "lang"}
    if params:
        shown = ", ".join(
            f"{_e(k)}={_e(json.dumps(v, ensure_ascii=False))}" for k, v in params.items()
        )
        parts.append(f"<small><code>{shown}</code></small>")
    if r.get("has_numbers"):
        parts.append(
            f'<small><a href="numbers/{stem}{_e(r.get("variant", ""))}.json">numbers</a></small>'
        )
    return "<td>" + "<br>".join(parts) + "</td>"


def render_index(payload: dict[str, Any]) -> str:
    """Render the index page from the ``run.json`` payload.

    Parameters
    ----------
    payload
        Run metadata plus ``results``: one dict per notebook x language on disk (this run's
        result, or the provenance of the report from an earlier run).

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
        cells = [
            _cell(by_key[(stem, lang)]) if (stem, lang) in by_key else "<td>-</td>"
            for lang in langs
        ]
        rows.append(f"<tr><td><b>{_e(stem)}</b></td>{''.join(cells)}</tr>")
    versions = "".join(
        f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in payload["packages"].items()
    )
    inputs = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td><code>{_e(v)}</code></td></tr>"
        for k, v in payload["inputs"].items()
    )
    dirty = {True: "yes (uncommitted or untracked changes)", False: "no", None: "unknown"}[
        payload["git_dirty"]
    ]
    failed = sum(r.get("status") == "failed" and r.get("this_run", True) for r in results)
    verdict = (
        f'<p class="failed">{failed} run(s) failed in the latest run; their last good reports '
        "are still linked.</p>"
        if failed
        else '<p class="ok">All runs of the latest run succeeded.</p>'
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport"
content="width=device-width, initial-scale=1"><title>policingstudy reports</title>
<style>{STYLE}</style></head><body>
<h1>policingstudy: reports</h1>
<p>{" · ".join(_e(t("common.report_subtitle", lang)) for lang in LANGS)}</p>
{verdict}
<div class="wrap"><table><tr><th>notebook</th>{head}</tr>{"".join(rows)}</table></div>
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
