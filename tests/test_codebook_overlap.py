"""No fact counted twice: a fact tag (``facts:`` on an anchor level) may score on one indicator.

The referee found one fact (a directly elected office) rewarded by the top anchors of IND02,
IND03, IND23 and IND25. Direct election now scores on IND03 only; these tests keep it that way.
"""

from __future__ import annotations

import yaml

from policingstudy.data.codebook import Codebook, load_codebook
from tests.helpers import ROOT

SHIPPED = ROOT / "data" / "raw" / "dataset" / "codebook.yaml"


def overlap_message(codebook: Codebook) -> str:
    """One line per fact tag used by more than one indicator (empty when there is none)."""
    return "\n".join(
        f"fact {fact!r} scores on {len(ids)} indicators: {', '.join(ids)}"
        for fact, ids in sorted(codebook.shared_facts().items())
    )


def test_no_fact_scores_on_two_indicators():
    codebook = load_codebook(SHIPPED)
    message = overlap_message(codebook)
    assert not message, "\n" + message
    # the fact at the origin of the check is tagged, and only on appointment and tenure
    facts = codebook.facts()
    assert set(facts.loc[facts["fact"] == "direct_election", "indicator_id"]) == {"IND03"}


def test_the_check_names_every_shared_tag(tmp_path):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    anchors = {e["id"]: e["anchors"] for e in data["indicators"]}
    for indicator_id in ("IND02", "IND23", "IND25"):  # the old top anchors, tagged as they were
        anchors[indicator_id][3].setdefault("facts", []).append("direct_election")
    anchors["IND13"][3]["facts"] = ["reports_to_elected_body"]
    path = tmp_path / "codebook.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    message = overlap_message(load_codebook(path))
    assert message.splitlines() == [
        "fact 'direct_election' scores on 4 indicators: IND02, IND03, IND23, IND25",
        "fact 'reports_to_elected_body' scores on 2 indicators: IND13, IND25",
    ]
