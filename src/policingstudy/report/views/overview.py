"""Content of the thesis overview notebook: the numbers its text quotes and its tables."""

from __future__ import annotations

import pandas as pd

from policingstudy.core.types import Lang
from policingstudy.i18n import t
from policingstudy.report.numbers import Numbers
from policingstudy.report.tables import localise


def thesis_numbers(tables: dict[str, pd.DataFrame]) -> Numbers:
    """Count the article's topics, problems, programme items, models and references."""
    nums = Numbers()
    topics = tables["thesis_topics"]
    nums.add("n_topics", len(topics))
    nums.add("n_mechanism_topics", int((topics["kind"] == "mechanism").sum()))
    nums.add("n_problems", len(tables["thesis_problems"]))
    nums.add("n_programme", len(tables["thesis_programme"]))
    nums.add("n_foreign_models", len(tables["thesis_foreign_models"]))
    nums.add("n_references", len(tables["thesis_references"]))
    return nums


def _initials(name: str) -> str:
    """``Ешманов Руслан Олжабаевич`` -> ``Ешманов Р.О.``; a name already with initials is kept."""
    surname, *rest = name.split()
    given = "".join(part if part.endswith(".") else f"{part[0]}." for part in rest)
    return f"{surname} {given}".strip()


def citation(article: pd.Series, lang: Lang) -> str:
    """The article's reference in ``lang``: authors in the original script, title, venue, pages.

    English keeps the reference as given in ``data/raw/thesis/article.yaml``; Kazakh and Russian
    build it from the table's fields with the catalog's template (``thesis.citation``), the
    Russian one with the Kazakh title followed by its Russian translation in brackets.
    """
    authors = [a.strip() for a in str(article.get("authors_original", "")).split(";") if a.strip()]
    pages = str(article["pages"]).replace("-", "\u2013")
    return t(
        "thesis.citation",
        lang,
        citation=article["citation"],
        authors=", ".join(_initials(a) for a in authors),
        title_kk=article["title_kk"],
        title_ru=article["title_ru"],
        venue=str(article[f"venue_{lang}"]).rstrip("."),
        pages=pages,
        isbn=article["isbn"],
    )


def topics_table(topics: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The topics with their label in ``lang``, kind and the Kazakh first words; id last."""
    frame = topics.assign(
        label=topics[f"label_{lang}"],
        kind_label=[t(f"thesis.kind_{k}", lang) for k in topics["kind"]],
        refs=topics["article_refs"],
    )
    return localise(
        frame,
        {
            "label": "common.column_topic",
            "kind_label": "common.column_kind",
            "starts_with": "common.column_starts_with",
            "refs": "common.column_refs",
            "topic_id": "common.column_id",
        },
        lang,
    )


def labelled_list(frame: pd.DataFrame, id_column: str, lang: Lang) -> pd.DataFrame:
    """A label + id table in ``lang`` (problems, programme items, foreign models)."""
    renamed = frame.assign(label=frame[f"label_{lang}"])
    return localise(renamed, {"label": "common.column_label", id_column: "common.column_id"}, lang)
