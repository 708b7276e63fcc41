"""brat standoff export: every T line covers exactly its text; relations and attributes."""

from __future__ import annotations

import json

import pytest

from quotestance.interchange.brat import (
    annotation_conf, check_standoff, export_brat, fragments, to_standoff)

from .conftest import FIXTURES

FX = FIXTURES / "interchange"


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (FX / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def seed() -> dict:
    return _load("seed.jsonl")[0]


@pytest.fixture(scope="module")
def harbour() -> dict:
    return _load("articles.jsonl")[0]


def _lines(ann: str, prefix: str) -> list[list[str]]:
    return [ln.split("\t") for ln in ann.splitlines() if ln.startswith(prefix)]


def test_seed_article_is_valid_standoff(seed):
    txt, ann = to_standoff(seed)
    assert txt == seed["text"]
    assert check_standoff(txt, ann) == []
    for _, kind_offs, covered in _lines(ann, "T"):
        pieces = [txt[int(s):int(e)] for s, e in
                  (f.split(" ") for f in kind_offs.split(" ", 1)[1].split(";"))]
        assert " ".join(pieces) == covered


def test_every_quote_mention_and_cue_becomes_a_t_line(seed):
    _, ann = to_standoff(seed)
    spans = {(ln[1].split(" ")[0], ln[1].split(" ", 1)[1]) for ln in _lines(ann, "T")}
    for q in seed["quotes"]:
        assert ("Quote", f"{q['start']} {q['end']}") in spans
        if q["speaker_mention"]:
            m = q["speaker_mention"]
            assert ("Speaker", f"{m['start']} {m['end']}") in spans
    assert len(_lines(ann, "T")) == len(spans)  # a mention shared by two quotes is one T


def test_relations_and_attributes(harbour):
    _, ann = to_standoff(harbour)
    rels = [ln[1].split(" ")[0] for ln in _lines(ann, "R")]
    q = harbour["quotes"]
    assert rels.count("Speaker_of") == sum(1 for x in q if x["speaker_mention"])
    assert rels.count("Cue_of") == sum(1 for x in q if x["cue"])
    assert rels.count("Continues") == sum(1 for x in q if x["continues"])
    attrs = [ln[1].split(" ") for ln in _lines(ann, "A")]
    assert sorted(a[2] for a in attrs if a[0] == "QuoteType") == sorted(x["type"] for x in q)
    stances = sorted((a[0], a[2]) for a in attrs if a[0].startswith("Stance_"))
    assert stances == sorted((f"Stance_{s['target']}", s["label"]) for x in q
                             for s in x["stances"])
    assert sum(1 for a in attrs if a[0] == "Speaker") == sum(1 for x in q if x["speaker"])


def test_a_quote_over_two_lines_becomes_two_fragments(harbour):
    txt, ann = to_standoff(harbour)
    q = next(x for x in harbour["quotes"] if "\n" in x["text"])
    nl = txt.index("\n", q["start"])
    assert f"Quote {q['start']} {nl};{nl + 1} {q['end']}\t" in ann
    assert check_standoff(txt, ann) == []


def test_fragments_drop_empty_pieces():
    assert fragments("ab\n\ncd", 0, 6) == [(0, 2), (4, 6)]
    assert fragments("ab\n", 0, 3) == [(0, 2)]
    assert fragments("\n", 0, 1) == []


def test_emoji_offsets_stay_code_points(harbour):
    txt, ann = to_standoff(harbour)
    assert "🚢" in txt
    assert check_standoff(txt, ann) == []


def test_the_checker_catches_a_wrong_t_line(seed):
    txt, ann = to_standoff(seed)
    first = ann.splitlines()[0].split("\t")
    s, e = first[1].split(" ")[1:3]
    bad = ann.replace("\t".join(first), f"{first[0]}\tQuote {int(s) + 1} {e}\t{first[2]}", 1)
    assert any("differs from the covered text" in p for p in check_standoff(txt, bad))
    assert any("crosses a line break" in p for p in check_standoff(txt, "T1\tQuote 0 40\tx\n"))
    assert any("unknown id" in p for p in check_standoff(txt, "A1\tQuoteType T9 direct\n"))


def test_annotation_conf_declares_what_the_ann_files_use(seed, harbour):
    conf = annotation_conf([seed, harbour])
    for art in (seed, harbour):
        _, ann = to_standoff(art)
        for ln in _lines(ann, "A"):
            name, _, value = ln[1].split(" ")
            decl = next(x for x in conf.splitlines() if x.startswith(name + "\t"))
            assert value in decl.split("Value:")[1].split("|")


def test_export_writes_txt_ann_and_configs(tmp_path, seed, harbour):
    hostile = dict(harbour, id="../../etc/passwd")
    written = export_brat([seed, harbour, hostile], tmp_path / "brat")
    names = sorted(p.name for p in written)
    assert names == sorted(["qs-r0001.txt", "qs-r0001.ann", "qs-fx-0001.txt", "qs-fx-0001.ann",
                            "_.._etc_passwd.txt", "_.._etc_passwd.ann", "annotation.conf",
                            "visual.conf"])
    assert all(p.parent == tmp_path / "brat" for p in written)
    assert (tmp_path / "brat" / "qs-r0001.txt").read_text("utf-8") == seed["text"]


def test_cli_export_brat(tmp_path, run_cli):
    out = tmp_path / "brat"
    r = run_cli("export", "brat", FX / "articles.jsonl", FX / "seed.jsonl", "-o", out)
    assert r.exit_code == 0, r.output
    for ann in out.glob("*.ann"):
        txt = ann.with_suffix(".txt").read_text("utf-8")
        assert check_standoff(txt, ann.read_text("utf-8")) == []
    (tmp_path / "file").write_text("x")
    assert run_cli("export", "brat", FX / "seed.jsonl", "-o", tmp_path / "file").exit_code == 2
