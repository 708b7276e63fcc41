"""Property tests: generated valid articles survive every export/import round trip unchanged
(Label Studio tasks and back; brat standoff whose every T line covers its text; the flat quote
view; typed records)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from quotestance.format import quote_rows
from quotestance.interchange.brat import check_standoff, to_standoff
from quotestance.interchange.labelstudio import export_tasks, import_export
from quotestance.records import Article

from .strategies import articles

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _accepted(task: dict) -> dict:
    t = copy.deepcopy(task)
    t["annotations"] = [{"id": 1, "result": t["predictions"][0]["result"],
                         "was_cancelled": False, "updated_at": "2026-01-01T00:00:00Z"}]
    return t


@SETTINGS
@given(articles())
def test_label_studio_round_trip_is_lossless(art):
    tasks = export_tasks([art], {art["id"]: art})
    res = import_export([_accepted(t) for t in tasks])
    assert res.problems == []
    assert res.articles == [art]


@SETTINGS
@given(articles())
def test_brat_standoff_covers_its_text(art):
    txt, ann = to_standoff(art)
    assert txt == art["text"] or txt.rstrip("\n") == art["text"]
    assert check_standoff(txt, ann) == []


@SETTINGS
@given(articles())
def test_records_and_quote_view_round_trip(art):
    assert Article.from_dict(art).to_dict() == art
    rows = quote_rows(art)
    assert [(r["start"], r["end"], r["text"]) for r in rows] == \
        [(q["start"], q["end"], q["text"]) for q in art["quotes"]]
    assert all(art["text"][r["start"]:r["end"]] == r["text"] for r in rows)
