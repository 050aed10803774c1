from __future__ import annotations

import pandas as pd
import pytest

from policingstudy.report.figures.map_inputs import data_appendix
from policingstudy.studies.maps import de_offices, ew_holders

UNITS = pd.DataFrame(
    {
        "unit_id": ["DE_RP", "DE_NW", "DE_NW_2", "DE_BY", "DE_FED"],
        "jurisdiction": ["DE"] * 5,
        "subunit_code": ["DE-RP", "DE-NW", "DE-NW", "DE-BY", ""],
        "kind": [
            "police_commissioner",
            "police_commissioner",
            "complaints_office",
            "no_body",
            "police_commissioner",
        ],
    }
)
EVENTS = pd.DataFrame(
    {
        "unit_id": ["DE_RP", "DE_RP", "DE_NW", "DE_NW_2", "DE_BY"],
        "event": ["established", "established", "established", "established", "abolished"],
        "date": ["2014-07-01", "2016", "2025-03-25", "2017", "2001"],
    }
)


def test_de_offices_takes_main_body_and_earliest_establishment():
    out = de_offices(UNITS, EVENTS).set_index("code")
    assert list(out.index) == ["DE-BY", "DE-NW", "DE-RP"]
    assert out.loc["DE-RP", "year"] == 2014
    assert out.loc["DE-NW", "unit_id"] == "DE_NW"  # not the second body DE_NW_2
    assert out.loc["DE-NW", "year"] == 2025
    assert out.loc["DE-BY", "kind"] == "none"
    assert pd.isna(out.loc["DE-BY", "year"])


def test_ew_holders_shows_the_latest_situation():
    table = pd.DataFrame(
        {
            "subunit_code": ["E23000001", "E23000034"],
            "holder": ["mayor", "none"],
            "since": ["2012", "1839"],
        }
    )
    out = ew_holders(table)
    assert out["year"].tolist() == [2012, 2012]
    assert out["pfa_code"].tolist() == ["E23000001", "E23000034"]


def test_data_appendix_groups_files_by_source():
    manifest = pd.DataFrame(
        {
            "id": ["a", "a", "b"],
            "file": ["x.shp", "x.dbf", "y.csv"],
            "sha256": ["0" * 64, "1" * 64, "2" * 64],
            "bytes": [10, 5, 7],
            "licence": ["CC BY 4.0", "CC BY 4.0", "CC BY-NC-SA 4.0"],
            "citation": ["A", "A", "B"],
            "present": [True, True, False],
            "fetched": ["2026-11-26", "2026-11-26", None],
        }
    )
    out = data_appendix(manifest).set_index("id")
    assert out.loc["a", "bytes"] == 15
    assert out.loc["a", "files"] == "x.shp; x.dbf"
    assert out.loc["a", "fetched"] == pd.Timestamp("2026-11-26")
    assert pd.isna(out.loc["b", "fetched"])
    from policingstudy.report.tables import cells, with_locale

    shown = cells(with_locale(out.reset_index()[["id", "fetched"]], "ru"))
    assert shown["fetched"].tolist() == ["26 ноября 2026\u202fг.", "\u2014"]  # no 00:00:00


def test_every_registered_licence_has_a_kind_with_a_label_in_every_language():
    import yaml

    from policingstudy.i18n import t
    from policingstudy.report.figures.map_inputs import licence_kind
    from tests.helpers import ROOT

    registry = yaml.safe_load((ROOT / "data" / "raw" / "external_sources.yaml").read_text("utf-8"))
    kinds = {licence_kind(entry["licence"]) for entry in registry["sources"].values()}
    assert {"ogl_v3", "dl_de_by_2_0", "none_stated", "cc_by_nc_sa_4_0"} <= kinds
    for kind in kinds:
        for lang in ("en", "kk", "ru"):
            assert t(f"atlas.licence_{kind}", lang)


def test_unknown_licence_is_refused_with_the_fix():
    from policingstudy.core.errors import PolicingStudyError
    from policingstudy.report.figures.map_inputs import licence_kind

    with pytest.raises(PolicingStudyError, match=r"'Some new terms': no licence kind matches"):
        licence_kind("Some new terms")


def test_data_appendix_in_russian_translates_the_licence_and_marks_the_originals():
    from policingstudy.report.tables import show

    manifest = pd.DataFrame(
        {
            "id": ["a"],
            "file": ["x.csv"],
            "sha256": ["0" * 64],
            "bytes": [10],
            "licence": ["No licence stated by the author"],
            "citation": ["Doe J. (2020). Police data."],
            "present": [True],
            "fetched": ["2026-11-26"],
        }
    )
    out = data_appendix(manifest, lang="ru")
    assert str(out.loc[0, "licence"]) == "Лицензия не указана (No licence stated by the author)"
    page = show(out, "ru").data
    assert (
        'Лицензия не указана (<span lang="en" class="ps-original">'
        "No licence stated by the author</span>)" in page
    )
    assert '<span lang="en" class="ps-original">Doe J. (2020). Police data.</span>' in page
    assert '<span lang="zxx" class="ps-original">x.csv</span>' in page
    assert str(data_appendix(manifest).loc[0, "licence"]) == "No licence stated by the author"
