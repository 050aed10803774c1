"""Maps: titles and legends from the catalogs, joins, colours by category, Kazakh letters.

The maps are drawn from synthetic inputs (boundary squares with the real codes, made-up crime
counts and survey cities; who holds the PCC functions comes from the dataset: ``tests/synthetic.py``); ``test_real_files_maps`` draws
them from the real files (external data) and makes the same checks.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend

from policingstudy.core.errors import JoinError, OptionError
from policingstudy.core.paths import ProjectPaths
from policingstudy.core.types import LANGS, Lang
from policingstudy.data import geo
from policingstudy.data.dataset import load_dataset
from policingstudy.data.readers import kz, us
from policingstudy.i18n import t
from policingstudy.report.figures import maps
from policingstudy.studies.maps import KZ_POPULATION_YEAR, ew_holders, kz_crime_rates
from tests.helpers import ROOT, assert_readable
from tests.synthetic import (
    KZ_REGION_NAMES,
    write_boundaries,
    write_kz_crime,
    write_survey,
)

# Who holds the PCC functions: the dataset's table, read from the shipped raw files (a fresh
# clone has no processed tables before ``policingstudy build``).
PCC_FUNCTIONS = load_dataset(ProjectPaths(ROOT))["ew_pcc_functions"]

# A made-up table of German offices for drawing only (the real one comes from the dataset).
DE_OFFICES = pd.DataFrame(
    {
        "code": [
            "DE-BW",
            "DE-BY",
            "DE-BE",
            "DE-BB",
            "DE-HB",
            "DE-HH",
            "DE-HE",
            "DE-MV",
            "DE-NI",
            "DE-NW",
            "DE-RP",
            "DE-SL",
            "DE-SN",
            "DE-ST",
            "DE-SH",
            "DE-TH",
        ],
        "kind": [
            "police_commissioner",
            "none",
            "police_commissioner",
            "police_commissioner",
            "police_commissioner",
            "complaints_office",
            "police_commissioner",
            "police_commissioner",
            "none",
            "police_commissioner",
            "police_commissioner",
            "none",
            "complaints_office",
            "none",
            "ombudsperson",
            "none",
        ],
        "year": [
            2016,
            None,
            2021,
            2022,
            2022,
            2015,
            2021,
            2018,
            None,
            2024,
            2014,
            None,
            2019,
            None,
            2016,
            None,
        ],
    }
)


MAP_SOURCES = [
    "kz_adm1_2024_geokz",
    "kz_crime_regions",
    "ew_pfa_2023",
    "de_laender",
    "us_states_census2010_20m",
    "us_oversight_agencies",
]


def map_data(locate: Any) -> maps.MapData:
    """The inputs of the four maps, read from the folders ``locate(source_id)`` gives."""

    def shapes(name: geo.BoundaryName) -> gpd.GeoDataFrame:
        return geo.boundaries(name, folder=locate(geo.SPECS[name].source_id))

    return maps.MapData(
        kz_regions=shapes("kz_regions_2024"),
        kz_crime=kz.read_kz_crime_regions(locate("kz_crime_regions")),
        ew_areas=shapes("ew_police_force_areas"),
        ew_holders=ew_holders(PCC_FUNCTIONS),
        de_laender=shapes("de_laender"),
        de_offices=DE_OFFICES,
        us_states=shapes("us_states"),
        us_cities=us.read_largest_cities(locate("us_oversight_agencies")),
    )


def _unwrap(text: str) -> str:
    """A label as written in the catalog: lines wrapped by ``report.layout.wrap`` joined again."""
    return re.sub(r"-\n", "-", text).replace("\n", " ")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> maps.MapData:
    """Synthetic inputs: two regions share an offence count (hatched), five survey cities."""
    root = write_boundaries(tmp_path_factory.mktemp("maps"))
    offences = {name: 1000 + 10 * i for i, name in enumerate(KZ_REGION_NAMES)}
    offences["West Kazakhstan region"] = offences["Jetisu region"]
    write_kz_crime(root / "kz_crime_regions", offences)
    write_survey(root / "us_oversight_agencies")
    return map_data(lambda sid: root / sid)


def _legend_texts(ax: Axes) -> list[str]:
    legends = [a for a in ax.get_children() if isinstance(a, Legend)]
    return [_unwrap(text.get_text()) for legend in legends for text in legend.get_texts()]


def check_kazakhstan_map(data: maps.MapData, lang: Lang) -> None:
    fig, ax = plt.subplots()
    assert maps.kz_crime_map(data.kz_regions, data.kz_crime, lang=lang, ax=ax) is ax
    assert ax.get_title() == t("maps.kz_title", lang)
    labels = {_unwrap(text.get_text()) for text in ax.texts}
    assert set(data.kz_regions[f"name_{lang}"]) <= labels
    assert any("2022" in text for text in labels)  # the note on the unstated period
    colour_bar = ax.child_axes[0]
    assert colour_bar.get_xlabel() == t("maps.kz_legend", lang)
    hatched = [c for c in ax.collections if c.get_hatch() == "////"]
    assert len(hatched) == 1
    assert _legend_texts(ax) == [t("maps.kz_shared_value", lang)]
    plt.close(fig)
    with pytest.raises(JoinError, match=r"boundaries without data: \['KZ-ABY'\]"):
        maps.kz_crime_map(data.kz_regions, data.kz_crime.iloc[1:], lang="en")
    plt.close("all")


def check_england_and_wales_map(data: maps.MapData) -> None:
    for year, counts in [(2016, (41, 1, 1)), (2024, (37, 5, 1))]:
        holders = ew_holders(PCC_FUNCTIONS, year=year)
        ax = maps.ew_pcc_map(data.ew_areas, holders, lang="en")
        assert ax.get_title().replace("\n", " ") == t("maps.ew_title", "en", year=year)
        expected = [
            f"{t('maps.holder_pcc', 'en')} ({counts[0]})",
            f"{t('maps.holder_mayor', 'en')} ({counts[1]})",
            f"{t('maps.holder_none', 'en')} ({counts[2]})",
        ]
        assert _legend_texts(ax) == expected
        gids = {c.get_gid(): c for c in ax.collections if c.get_gid()}
        assert set(gids) == {"pcc", "mayor", "none"}
        assert tuple(gids["mayor"].get_facecolor()[0][:3]) == pytest.approx(
            (0xD6 / 255, 0x27 / 255, 0x28 / 255)
        )
        assert ax.child_axes[0].get_title() == "London"
        plt.close("all")


def check_united_states_map(data: maps.MapData) -> None:
    ax = maps.us_oversight_map(data.us_states, data.us_cities, lang="en")
    assert ax.get_title().replace("\n", " ") == t("maps.us_title", "en")
    axes = [ax, *ax.child_axes]
    assert len(ax.child_axes) == 3  # Alaska, Hawaii, Puerto Rico
    points = sum(
        len(c.get_offsets()) for a in axes for c in a.collections if isinstance(c, PathCollection)
    )
    assert points == len(data.us_cities)
    in_insets = sum(
        len(c.get_offsets())
        for a in ax.child_axes
        for c in a.collections
        if isinstance(c, PathCollection)
    )
    assert in_insets == 2  # Anchorage and Honolulu
    review = [c for c in ax.collections if c.get_gid() == "role:review"]
    assert (
        sum(len(c.get_offsets()) for c in review)
        == (data.us_cities["first_role"] == "review").sum()
    )
    texts = _legend_texts(ax)
    assert t("maps.us_role_none", "en") in texts
    assert t("maps.us_decade_before", "en") in texts  # New York's 1950s agency
    plt.close("all")


def check_kazakh_letters_render(data: maps.MapData) -> None:
    fig = maps.overview_figure(data, lang="kk")
    title = fig.get_suptitle()
    assert title == t("maps.overview_title", "kk")
    assert set("Төрт юрисдикциядағы") <= set(title)
    kazakh_titles = "".join(ax.get_title() for ax in fig.axes)
    assert {"қ", "ұ", "ө", "ғ"} <= set(kazakh_titles)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        fig.canvas.draw()
    plt.close(fig)


def check_maps_readable(data: maps.MapData, lang: Lang, *, texts: bool = True) -> None:
    """No overlapping texts and no legend over the areas on any map (``assert_readable``).

    ``texts=False`` checks the legends only: the synthetic boundaries are a row of squares, on
    which area names cannot be placed as on the real map.
    """
    rates = data.kz_rates
    if rates is None:  # the synthetic inputs: a made-up population of 100 times the offences
        population = data.kz_crime[["code"]].assign(
            year=KZ_POPULATION_YEAR,
            population=100 * data.kz_crime["offences"],
            date=pd.Timestamp(f"{KZ_POPULATION_YEAR}-01-01"),
        )
        rates = kz_crime_rates(data.kz_crime, population)
    what = f"({lang})"
    assert_readable(
        maps.kz_crime_map(data.kz_regions, data.kz_crime, lang=lang), f"KZ {what}", texts=texts
    )
    assert_readable(
        maps.kz_crime_rate_map(data.kz_regions, rates, lang=lang), f"KZ rate {what}", texts=texts
    )
    assert_readable(
        maps.ew_pcc_map(data.ew_areas, data.ew_holders, lang=lang), f"E&W {what}", texts=texts
    )
    assert_readable(
        maps.de_commissioner_map(data.de_laender, data.de_offices, lang=lang),
        f"DE {what}",
        texts=texts,
    )
    assert_readable(
        maps.us_oversight_map(data.us_states, data.us_cities, lang=lang), f"US {what}", texts=texts
    )
    assert_readable(maps.overview_figure(data, lang=lang), f"overview {what}", texts=texts)


@pytest.mark.parametrize("lang", LANGS)
def test_maps_are_readable(data: maps.MapData, lang: Lang) -> None:
    check_maps_readable(data, lang, texts=False)


@pytest.mark.mirror
def test_real_files_maps(external: Any) -> None:
    """The four maps and the overview drawn from the real files."""
    locate = external.require(*MAP_SOURCES, family="maps from the real files")
    real = map_data(locate)
    assert len(real.us_cities) == 100
    for lang in LANGS:
        check_kazakhstan_map(real, lang)
    check_england_and_wales_map(real)
    check_united_states_map(real)
    check_kazakh_letters_render(real)
    for lang in LANGS:
        check_maps_readable(real, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_kazakhstan_map(data: maps.MapData, lang: Lang) -> None:
    check_kazakhstan_map(data, lang)


def test_england_and_wales_map(data: maps.MapData) -> None:
    check_england_and_wales_map(data)


def test_germany_map(data: maps.MapData) -> None:
    ax = maps.de_commissioner_map(data.de_laender, DE_OFFICES, lang="ru")
    assert ax.get_title().replace("\n", " ") == t("maps.de_title", "ru")
    assert _legend_texts(ax)[0] == f"{t('maps.de_kind_police_commissioner', 'ru')} (8)"
    years = sorted(text.get_text() for text in ax.texts if text.get_text().isdigit())
    assert years == sorted(str(int(y)) for y in DE_OFFICES["year"].dropna())
    plt.close("all")


def test_germany_map_refuses_bad_input(data: maps.MapData) -> None:
    bad = DE_OFFICES.assign(kind=DE_OFFICES["kind"].replace("none", "nothing"))
    with pytest.raises(OptionError, match=r"office kind: expected one of \('police_commissioner'"):
        maps.de_commissioner_map(data.de_laender, bad, lang="en")
    with pytest.raises(JoinError, match=r"boundaries without data: \['DE-TH'\]"):
        maps.de_commissioner_map(data.de_laender, DE_OFFICES.iloc[:-1], lang="en")
    plt.close("all")


def test_united_states_map(data: maps.MapData) -> None:
    check_united_states_map(data)


@pytest.mark.parametrize(
    ("year", "band"),
    [(1861, "0-1969"), (1990, "1990-1999"), (2019, "2010-2019"), (None, "unknown")],
)
def test_decade_bands(year: int | None, band: str) -> None:
    assert maps.decade_band(year)[0] == band


def test_kazakh_letters_render_in_a_title(data: maps.MapData) -> None:
    check_kazakh_letters_render(data)


def test_overview_has_four_panels(data: maps.MapData) -> None:
    fig = maps.overview_figure(data, lang="ru")
    main = [ax for ax in fig.axes if ax.get_title()]
    assert len(main) == 4
    assert fig.get_suptitle() == t("maps.overview_title", "ru")
    plt.close(fig)


def test_overview_is_not_drawn_while_it_is_built(data: maps.MapData, monkeypatch) -> None:
    """geopandas asks for a redraw after every plot call; the maps defer all drawing."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    draws = []
    original = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw", lambda self: draws.append(1) or original(self))
    fig = maps.overview_figure(data, lang="en")
    assert draws == []
    assert "draw_idle" not in vars(fig.canvas)  # the canvas's own method is back
    fig.canvas.draw_idle()
    assert draws == [1]
    plt.close(fig)


def test_kazakhstan_colour_bar_and_us_note_follow_the_locale(data: maps.MapData) -> None:
    # language review F4: "10000 20000" had no thousands separator in kk/ru
    fig, ax = plt.subplots()
    maps.kz_crime_map(data.kz_regions, data.kz_crime, lang="ru", ax=ax)
    fig.canvas.draw()
    ticks = [tick.get_text() for tick in ax.child_axes[0].get_xticklabels() if tick.get_text()]
    assert any("\u00a0" in tick for tick in ticks)
    assert not any("." in tick or "," in tick for tick in ticks)
    plt.close(fig)
    ax = maps.us_oversight_map(data.us_states, data.us_cities, lang="ru")
    with_agency = int((data.us_cities["n_agencies"] > 0).sum())
    note = " ".join(text.get_text() for text in ax.texts).replace("\n", " ")
    assert f"есть в {with_agency} из {len(data.us_cities)} крупнейших городов" in note
    plt.close("all")
