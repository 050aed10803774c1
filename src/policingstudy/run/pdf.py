"""PDF versions of the reports, through WeasyPrint (an HTML-to-PDF engine from the package index).

``policingstudy report --pdf`` (or ``POLICINGSTUDY_PDF=1``) writes ``reports/<lang>/<stem>.pdf``
for every report and ``reports/<lang>/policingstudy.pdf``: a title page, a table of contents
with page numbers, then every report of that language, with page numbers in the footer. Fonts
are embedded (WeasyPrint embeds the subsets it uses); the body font is DejaVu Sans, which has
every Kazakh letter. Nothing is fetched from the network: only ``data:`` URLs (the embedded
figures) are allowed.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policingstudy.core.io import write_bytes
from policingstudy.core.types import Lang
from policingstudy.i18n import t

PDF_ENV = "POLICINGSTUDY_PDF"
PRINT_CSS = """
@page { size: A4; margin: 18mm 15mm 20mm 15mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt;
    font-family: 'DejaVu Sans', sans-serif; color: #555; } }
html, body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; }
body { margin: 0; }
.ps-nav { display: none !important; }
.jp-Cell, .jp-OutputArea, .jp-RenderedHTMLCommon { overflow: visible !important; }
img { max-width: 100% !important; height: auto !important; }
table { font-size: 7.5pt; max-width: 100%; }
h1 { page-break-before: auto; }
.ps-report { page-break-before: always; }
.ps-title-page { page-break-after: always; text-align: center; padding-top: 70mm; }
.ps-title-page h1 { font-size: 20pt; }
.ps-contents { page-break-after: always; }
.ps-contents ol { font-size: 10pt; }
.ps-contents a::after { content: leader('.') target-counter(attr(href url), page); }
"""
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_HREF = re.compile(r'\shref="#([^"]+)"')


@dataclass(frozen=True)
class Page:
    """One report to print: notebook stem, title and HTML file."""

    stem: str
    title: str
    html: Path


def _render(document: str, target: Path) -> None:
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported screen CSS is noise
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"})
    pdf = weasyprint.HTML(string=document, url_fetcher=fetcher).write_pdf(
        stylesheets=[weasyprint.CSS(string=PRINT_CSS)]
    )
    if pdf is None:
        raise OSError(f"WeasyPrint returned no PDF for {target}")
    write_bytes(target, pdf)


def report_pdf(page: Page, target: Path) -> None:
    """Print one report's HTML page to ``target``."""
    _render(page.html.read_text(encoding="utf-8"), target)


def _prefixed(body: str, prefix: str) -> str:
    """Make a report's anchors unique inside the combined document."""
    body = _ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"', body)
    return _HREF.sub(lambda m: f' href="#{prefix}-{m.group(1)}"', body)


def combined_pdf(pages: Sequence[Page], lang: Lang, target: Path) -> None:
    """Print every report of one language into one PDF with a title page and contents.

    Parameters
    ----------
    pages
        The reports, in order.
    lang
        Their language (title page and contents headings).
    target
        The PDF file.
    """
    if not pages:
        return
    first = pages[0].html.read_text(encoding="utf-8")
    styles = "".join(_STYLE.findall(first))
    parts, items = [], []
    for page in pages:
        text = page.html.read_text(encoding="utf-8")
        match = _BODY.search(text)
        body = match.group(1) if match else text
        anchor = f"report-{page.stem}"
        parts.append(
            f'<section class="ps-report" id="{anchor}">{_prefixed(body, page.stem)}</section>'
        )
        items.append(f'<li><a href="#{anchor}">{html.escape(page.title)}</a></li>')
    title = html.escape(t("common.report_subtitle", lang))
    document = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>policingstudy: {title}</title>{styles}</head><body>"
        f'<div class="ps-title-page"><h1>policingstudy</h1><p>{title}</p></div>'
        f'<div class="ps-contents"><h2>{html.escape(t("common.nav_contents", lang))}</h2>'
        f"<ol>{''.join(items)}</ol></div>{''.join(parts)}</body></html>"
    )
    _render(document, target)
