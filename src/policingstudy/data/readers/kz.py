"""Kazakhstan: regional crime counts from the Committee on Legal Statistics (qamqor.gov.kz).

Regions are identified by the ISO 3166-2 style codes of the geokz boundaries (``KZ-ALA`` Almaty
city, ``KZ-ALM`` Almaty region, ``KZ-YUZ`` Turkestan ...), obtained from the English names in
the files by :func:`kz_region_code`; names are spelt differently from one source to another
(Jetisu/Zhetysu, Turkistan/Turkestan, Abai/Abay, Jambyl/Zhambyl), codes are not.

Neither source states its reporting period. The workbooks were last saved in January 2023, so
the period is most likely January-December 2022; reports must say that this is an inference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from policingstudy.core.errors import DataValidationError
from policingstudy.data.readers._common import clean_text, need_file, raise_problems, sheet_rows
from policingstudy.data.schemas import validate

# geokz ISO_3166_2 codes of the 20 post-2022 first-level units, keyed by normalised English name.
KZ_CODES: dict[str, str] = {
    "abay": "KZ-ABY",
    "akmola": "KZ-AKM",
    "aktobe": "KZ-AKT",
    "almaty region": "KZ-ALM",
    "almaty city": "KZ-ALA",
    "astana city": "KZ-AST",
    "atyrau": "KZ-ATY",
    "west kazakhstan": "KZ-ZAP",
    "zhambyl": "KZ-ZHA",
    "zhetysu": "KZ-ZHT",
    "karaganda": "KZ-KAR",
    "kostanay": "KZ-KUS",
    "kyzylorda": "KZ-KZY",
    "mangystau": "KZ-MAN",
    "pavlodar": "KZ-PAV",
    "north kazakhstan": "KZ-SEV",
    "turkestan": "KZ-YUZ",
    "ulytau": "KZ-ULT",
    "east kazakhstan": "KZ-VOS",
    "shymkent city": "KZ-SHY",
}
_SPELLINGS = {
    "abai": "abay",
    "jambyl": "zhambyl",
    "jetisu": "zhetysu",
    "turkistan": "turkestan",
    "karagandy": "karaganda",
    "nur-sultan city": "astana city",
}
PERIOD_NOTE = "period not stated in the source; most likely January-December 2022"


def kz_region_code(name: str) -> str | None:
    """Return the geokz ISO 3166-2 code of an English region name, or None.

    'Almaty city' and 'Almaty region' differ; for other oblasts the word 'region' is optional and
    case is ignored: 'Jetisu Region', 'Zhetysu' -> ``KZ-ZHT``; 'Turkistan region' -> ``KZ-YUZ``.
    """
    text = clean_text(name).lower().removesuffix(" oblast")
    base = re.sub(r"\s+region$", "", text)
    base = _SPELLINGS.get(base, base)
    if base == "almaty":
        return KZ_CODES["almaty region"]
    return KZ_CODES.get(base)


CRIME_SCHEMA = pa.DataFrameSchema(
    {
        "code": pa.Column(str, pa.Check.isin(list(KZ_CODES.values())), unique=True),
        "region": pa.Column(str),
        "offences": pa.Column(int, pa.Check.gt(0)),
        "persons_identified": pa.Column(int, pa.Check.ge(0)),
        "persons_per_offence": pa.Column(float, pa.Check.ge(0)),
        "shared_value": pa.Column(bool),
    },
    strict=True,
)


def read_kz_crime_regions(folder: Path) -> pd.DataFrame:
    """Read criminal offences and persons identified by region (one unstated period).

    ``offences`` is the number of criminal offences in proceedings in the reporting period
    (form 1-M, column 1; ``comb.csv``). The column 'clearance-rate' of
    ``clearance-rate-divided.csv`` is mislabelled: it holds the number of persons identified as
    having committed offences (form 1-SNG, column 6), so it is returned as
    ``persons_identified``, and 'clearance-rate-divided' as ``persons_per_offence`` (persons
    identified per offence in proceedings), which is not a clearance rate. ``shared_value``
    marks regions whose offence count equals another region's (West Kazakhstan and Jetisu both
    show 2,306, a likely transcription error upstream).

    Parameters
    ----------
    folder
        Folder of source ``kz_crime_regions``.

    Returns
    -------
    pandas.DataFrame
        20 rows: ``code``, ``region``, ``offences``, ``persons_identified``,
        ``persons_per_offence``, ``shared_value``.

    Raises
    ------
    DataValidationError
        Unknown region names; the two files disagree on the counts; a ratio that is not
        persons / offences.
    """
    comb = pd.read_csv(need_file(folder, "comb.csv"))
    ratio = pd.read_csv(need_file(folder, "clearance-rate-divided.csv"), index_col=0)
    problems = []
    for file, frame in (("comb.csv", comb), ("clearance-rate-divided.csv", ratio)):
        frame["code"] = frame["Region"].map(kz_region_code)
        for name in frame.loc[frame["code"].isna(), "Region"]:
            problems.append(f"{file}: region {name!r} matches no geokz code")
    raise_problems(problems)
    merged = comb.merge(ratio, on="code", suffixes=("", "_ratio"), validate="one_to_one")
    for _, row in merged.iterrows():
        offences, persons = int(row["Value"]), int(row["clearance-rate"])
        if int(row["crime-rate"]) != offences:  # 'crime-rate' is a count, despite its name
            problems.append(
                f"clearance-rate-divided.csv: {row['Region']}: crime-rate "
                f"{row['crime-rate']}; expected {offences} as in comb.csv"
            )
        if abs(float(row["clearance-rate-divided"]) - persons / offences) > 1e-9:
            problems.append(
                f"clearance-rate-divided.csv: {row['Region']}: ratio "
                f"{row['clearance-rate-divided']}; expected {persons}/{offences}"
            )
    raise_problems(problems)
    frame = pd.DataFrame(
        {
            "code": merged["code"].astype(str),
            "region": merged["Region"].map(clean_text),
            "offences": merged["Value"].astype(int),
            "persons_identified": merged["clearance-rate"].astype(int),
            "persons_per_offence": merged["clearance-rate-divided"].astype(float),
        }
    )
    frame["shared_value"] = frame["offences"].duplicated(keep=False)
    frame = frame.sort_values("code").reset_index(drop=True)
    return validate(frame, CRIME_SCHEMA, "kz_crime_regions")


SNG1_COLUMNS = {
    4: "registered",  # 1: registered in the Unified Register of Pre-trial Investigations (ERDR)
    5: "registered_cis",  # 2: of which against citizens of other CIS states
    6: "completed",  # 3: offences whose criminal cases were completed in the period
    7: "completed_by_cis",  # 4: of which committed by citizens of other CIS states
    8: "suspended",  # 5: pre-trial investigation suspended for the first time in the period
    9: "persons_identified",  # 6: persons identified as having committed offences
}
SNG1_HEADERS = {4: "зарегистрированных ЕРДР", 6: "окончены", 9: "Выявлено лиц"}


def read_kz_sng1(folder: Path) -> pd.DataFrame:
    """Read form 1-SNG, section 1 (offences by type) of the 20 regional workbooks.

    Parameters
    ----------
    folder
        Folder of source ``kz_crime_sng1_by_region`` (files '<Region> region.XLSX',
        '<City> city.XLSX').

    Returns
    -------
    pandas.DataFrame
        One row per region and form line: ``code``, ``line`` (1 = all offences, 2-32 offence
        groups, as numbered in the form's column 'Б'), ``label_ru`` (Russian label: 'Всего' on
        line 1, else the label columns B and C joined with ' / '), and the counts
        ``registered``, ``registered_cis``, ``completed``, ``completed_by_cis``, ``suspended``,
        ``persons_identified``. Period: see the module notes.

    Raises
    ------
    DataValidationError
        A file name matching no region, missing files, headers not as expected, non-integers.
    """
    files = sorted(p for p in folder.glob("*.XLSX"))
    problems, rows = [], []
    codes = {}
    for path in files:
        code = kz_region_code(path.stem)
        if code is None:
            problems.append(f"{path.name}: file name matches no region")
            continue
        codes[code] = path
    missing = sorted(set(KZ_CODES.values()) - set(codes))
    if missing:
        problems.append(f"{folder}: no workbook for {missing}")
    raise_problems(problems)
    for code, path in sorted(codes.items()):
        labels = ["", "", ""]
        header = False
        for number, values in sheet_rows(path, "R1"):
            if clean_text(values[0]) == "Наименование":
                header = True
                for col, expected in SNG1_HEADERS.items():
                    if expected not in clean_text(values[col]):
                        problems.append(
                            f"{path.name}: R1 row {number}, column {col + 1}: found "
                            f"{clean_text(values[col])!r}; expected {expected!r}"
                        )
            line = values[3] if len(values) > 3 else None  # a sheet narrower than the form
            if not header or not isinstance(line, int):
                continue
            for k in range(3):  # merged label cells: carry the group label down
                if values[k] is not None:
                    labels[k] = clean_text(values[k])
                    labels[k + 1 :] = [""] * (2 - k)
            # column A holds 'Всего' on line 1 and one generic heading ('criminal offences under
            # the Criminal Code') for all other lines: the label is columns B-C from line 2 on
            parts = labels[:1] if line == 1 else labels[1:]
            record = {"code": code, "line": line, "label_ru": " / ".join(x for x in parts if x)}
            for col, name in SNG1_COLUMNS.items():
                value = values[col]
                if not isinstance(value, int):
                    problems.append(
                        f"{path.name}: R1 row {number}, column {col + 1}: found "
                        f"{value!r}; expected a count"
                    )
                record[name] = value
            rows.append(record)
        if not header:
            problems.append(f"{path.name}: R1 has no header row starting 'Наименование'")
    raise_problems(problems)
    frame = pd.DataFrame(rows)
    per_region = frame.groupby("code").size()
    if per_region.min() != per_region.max():
        raise DataValidationError([f"1-SNG: lines per region differ: {per_region.to_dict()}"])
    return frame
