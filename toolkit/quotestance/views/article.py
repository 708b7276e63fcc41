"""The article view (``quotestance show``): quotes highlighted by type, speaker mentions and
cues marked and linked to their quote, stance badges per target, a legend; and the gold vs
prediction view, side by side, with misses and false alarms marked.

The comparison view pairs quotes with ``quotestance evaluate``'s own matching
(``quotestance.evaluation.matching``), so the two never disagree: first the exact matching
(spans equal after normalisation; these are the pairs counted in ``quotes.exact.tp``), then,
among the quotes left, the partial matching (quotes sharing a word token, paired one to one to
maximise the total proportional credit). An exact pair is *exact*, a pair of the second kind
*partial*; an unpaired gold quote is a *miss* and an unpaired predicted quote a *false alarm*.
The prediction is read as ``evaluate`` reads it (the prediction format's parser, then its spans,
speakers and targets checked against the gold article); bad input raises ``PredictionError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..evaluation.counts import resolve
from ..evaluation.matching import canonical_order, match_exact, match_overlap, prepare_sides
from ..evaluation.predictions import UNRESOLVED, GoldIndex, PredictionError, parse_prediction
from ..labels import QUOTE_TYPES, STANCE_LABELS
from .html import STANCE_COLORS, TYPE_COLORS, anchor, badge, cards, esc, page, safe_link, swatch

UNTYPED_COLOR = "#444"

CSS = """
.text { white-space: pre-wrap; border: 1px solid var(--line); border-radius: 6px;
        padding: 12px 16px; background: #fff; line-height: 1.9; overflow-wrap: anywhere; }
.q { border-radius: 2px; } """ + "".join(
    f".q-{t} {{ background: {c}26; box-shadow: inset 0 -2px 0 {c}; }}\n"
    for t, c in {**TYPE_COLORS, "untyped": UNTYPED_COLOR}.items()) + """
.m { background: #ffbb7880; outline: 1px solid #ff7f0e; text-decoration: none; color: inherit; }
.c { border-bottom: 2px dotted #8c564b; font-style: italic; text-decoration: none;
     color: inherit; }
a.m:hover, a.c:hover { background: #ffe0b2; }
.qmark { font-size: .7em; vertical-align: super; padding: 0 3px; border-radius: 3px;
         color: #fff; background: #444; text-decoration: none; margin-right: 1px; }
.qmark:target, tr:target { outline: 3px solid #fbc02d; background: #fff59d; color: #000; }
.miss { outline: 2px dashed #c62828; outline-offset: 1px; }
.fa { outline: 2px dashed #ef6c00; outline-offset: 1px; }
.st-exact { color: #2e7d32; } .st-partial { color: #ef6c00; }
.st-miss, .st-fa { color: #c62828; font-weight: 600; }
.st-diff { color: #c62828; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.cols > section { min-width: 0; }
.meta td:first-child { color: var(--muted); }
.qtext { max-width: 520px; }
.scroll { overflow-x: auto; }
"""


@dataclass(frozen=True)
class Pairing:
    """One-to-one pairing of gold and predicted quotes (``evaluate``'s exact matching, then
    its partial matching of the rest)."""

    gold_to_pred: dict[str, str]
    status_gold: dict[str, str]  # exact | partial | miss
    status_pred: dict[str, str]  # exact | partial | fa

    @property
    def counts(self) -> dict[str, int]:
        g = list(self.status_gold.values())
        p = list(self.status_pred.values())
        return {"gold": len(g), "predicted": len(p), "exact": g.count("exact"),
                "partial": g.count("partial"), "missed": g.count("miss"),
                "false_alarms": p.count("fa")}


def pair_quotes(text: str, gold: Sequence[Mapping[str, Any]],
                pred: Sequence[Mapping[str, Any]]) -> Pairing:
    """Pair the quotes of one article as ``quotestance evaluate`` does: its exact matching
    (the pairs of ``quotes.exact.tp``), then its partial matching of the quotes left. Quote ids
    must be unique on each side."""
    graw = [(q["start"], q["end"]) for q in gold]
    praw = [(q["start"], q["end"]) for q in pred]
    P, G = prepare_sides(text, praw, graw, with_tokens=True)
    po = canonical_order(P, praw, lambda i: str(pred[i]["id"]))
    go = canonical_order(G, graw, lambda j: str(gold[j]["id"]))
    exact = match_exact(P, G, po, go)
    p_done, g_done = {i for i, _ in exact}, {j for _, j in exact}
    partial = match_overlap(P, G, [i for i in po if i not in p_done],
                            [j for j in go if j not in g_done], "partial")
    g2p: dict[str, str] = {}
    sg = {q["id"]: "miss" for q in gold}
    sp = {q["id"]: "fa" for q in pred}
    for pairs, status in ((exact, "exact"), (partial, "partial")):
        for i, j in pairs:
            g2p[gold[j]["id"]] = pred[i]["id"]
            sg[gold[j]["id"]] = sp[pred[i]["id"]] = status
    return Pairing(g2p, sg, sp)


def _type_class(qtype: Any) -> str:
    """The CSS class of a quote type: only the known types have one."""
    return f"q-{qtype}" if qtype in QUOTE_TYPES else "q-untyped"


def highlighted_text(article: Mapping[str, Any], prefix: str,
                     status: Mapping[str, str] | None = None) -> str:
    """The article text with quotes, mentions and cues marked; ``status`` adds miss/fa marks."""
    text = article["text"]
    ents = {e["id"]: e for e in article["entities"]}
    quotes = list(article["quotes"])
    marks: list[tuple[int, int, str, Mapping[str, Any]]] = []
    for q in quotes:
        marks.append((q["start"], q["end"], "q", q))
        for key, kind in (("speaker_mention", "m"), ("cue", "c")):
            if q.get(key):
                marks.append((q[key]["start"], q[key]["end"], kind, q))
    cuts = {0, len(text)}
    for s, e, _, _ in marks:
        cuts.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    starts: dict[int, list[Mapping[str, Any]]] = {}
    for q in quotes:
        starts.setdefault(q["start"], []).append(q)
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        for q in starts.get(a, ()):
            st = (status or {}).get(q["id"], "")
            out.append(f'<a class="qmark {esc(_type_class(q["type"]))}" '
                       f'id="{anchor(prefix, "q", q["id"])}" '
                       f'href="#{anchor(prefix, "row", q["id"])}" '
                       f'style="background:{TYPE_COLORS.get(q["type"], UNTYPED_COLOR)}" '
                       f'title="{esc(q["id"])} ({esc(q["type"] or "untyped")})'
                       f'{esc(" " + st) if st else ""}">{esc(q["id"])}</a>')
        cover = [(k, q) for s, e, k, q in marks if s <= a and b <= e]
        seg = esc(text[a:b])
        if not cover:
            out.append(seg)
            continue
        cls, titles, link = [], [], None
        for k, q in cover:
            if k == "q":
                cls += ["q", _type_class(q["type"])]
                st = (status or {}).get(q["id"])
                if st in ("miss", "fa"):
                    cls.append(st)
                titles.append(f"{q['id']}: {q['type'] or 'untyped'} quote")
            else:
                cls.append(k)
                who = ents.get(q.get("speaker") or "", {}).get("name") or "no entity"
                titles.append(f"{'speaker mention' if k == 'm' else 'cue'} of {q['id']}"
                              + (f" ({who})" if k == "m" else ""))
                link = link or q
        classes = esc(" ".join(dict.fromkeys(cls)))
        title = esc("; ".join(dict.fromkeys(titles)))
        if link is not None:
            out.append(f'<a class="{classes}" href="#{anchor(prefix, "q", link["id"])}" '
                       f'title="{title}">{seg}</a>')
        else:
            out.append(f'<span class="{classes}" title="{title}">{seg}</span>')
    return f'<div class="text" id="{anchor(prefix, "text")}">{"".join(out)}</div>'


def stance_badges(q: Mapping[str, Any], targets: Mapping[str, Mapping[str, Any]]) -> str:
    out = []
    for s in q.get("stances") or ():
        t = targets.get(s["target"], {})
        shown = s.get("target_name") if s["target"] == UNRESOLVED else s["target"]
        out.append(badge(f"{s['label']} · {shown}", STANCE_COLORS.get(s["label"], "#444"),
                         title=f"{s['label']} toward {t.get('name', shown)}",
                         cls=f"stance {s['label']}"))
    return "".join(out) or '<span class="muted">none</span>'


def legend(compare: bool = False) -> str:
    keys = [f'<span class="key">{swatch(c + "40", f"box-shadow: inset 0 -2px 0 {c}")} '
            f"{esc(t)} quote</span>" for t, c in TYPE_COLORS.items()]
    keys.append('<span class="key"><span class="m">speaker mention</span></span>')
    keys.append('<span class="key"><span class="c">reporting cue</span></span>')
    keys.append('<span class="key"><span class="qmark" style="background:#444">q1</span> '
                "quote id (links to its row)</span>")
    keys += [f'<span class="key">{badge(lab, c)}</span>' for lab, c in STANCE_COLORS.items()]
    if compare:
        keys.append('<span class="key"><span class="miss">missed gold quote</span></span>')
        keys.append('<span class="key"><span class="fa">false alarm</span></span>')
    return '<div class="legend" id="legend"><strong>Legend</strong>' + "".join(keys) + "</div>"


def quote_table(article: Mapping[str, Any], prefix: str,
                status: Mapping[str, str] | None = None,
                notes: Mapping[str, str] | None = None) -> str:
    ents = {e["id"]: e for e in article["entities"]}
    targets = {t["id"]: t for t in article["targets"]}
    head = "<tr><th>quote</th><th>type</th><th>text</th><th>speaker</th><th>mention</th>" \
           "<th>cue</th><th>stance</th>" + ("<th>match</th>" if status is not None else "") + \
           "</tr>"
    rows = []
    for q in article["quotes"]:
        sp = q.get("speaker")
        if sp == UNRESOLVED:
            who = (f'{esc(q.get("speaker_name"))} <span class="muted">(no gold entity of that '
                   "name)</span>")
        elif sp in ents:
            who = f"{esc(ents[sp]['name'])} <span class=\"muted\">{esc(sp)}</span>"
        else:
            who = esc(sp) if sp else '<span class="muted">unattributed</span>'
        qt = q["text"] if len(q["text"]) <= 240 else q["text"][:239] + "…"
        cont = (f' <span class="muted small">continues {esc(q["continues"])}</span>'
                if q.get("continues") else "")
        st = ""
        if status is not None:
            s = status.get(q["id"], "")
            label = {"exact": "exact", "partial": "partial", "miss": "MISSED",
                     "fa": "FALSE ALARM"}.get(s, s)
            note = (notes or {}).get(q["id"])
            extra = f'<br><span class="st-diff small">{esc(note)}</span>' if note else ""
            st = f'<td class="st-{esc(s)}">{esc(label)}{extra}</td>'
        rows.append(
            f'<tr id="{anchor(prefix, "row", q["id"])}">'
            f'<td><a href="#{anchor(prefix, "q", q["id"])}">{esc(q["id"])}</a>{cont}</td>'
            f'<td>{badge(q["type"] or "untyped", TYPE_COLORS.get(q["type"], UNTYPED_COLOR))}</td>'
            f'<td class="qtext">{esc(qt)}</td><td>{who}</td>'
            f'<td>{esc((q.get("speaker_mention") or {}).get("text", ""))}</td>'
            f'<td>{esc((q.get("cue") or {}).get("text", ""))}</td>'
            f"<td>{stance_badges(q, targets)}</td>{st}</tr>")
    if not rows:
        return '<p class="muted">No quotations.</p>'
    return f'<table class="quotes" id="{anchor(prefix, "quotes")}">{head}{"".join(rows)}</table>'


def target_table(article: Mapping[str, Any]) -> str:
    counts: dict[str, dict[str, int]] = {t["id"]: {lab: 0 for lab in STANCE_LABELS}
                                         for t in article["targets"]}
    for q in article["quotes"]:
        for s in q.get("stances") or ():
            if s["target"] in counts and s["label"] in counts[s["target"]]:
                counts[s["target"]][s["label"]] += 1
    rows = []
    for t in article["targets"]:
        b = "".join(badge(f"{lab} {n}", STANCE_COLORS[lab]) for lab, n in counts[t["id"]].items()
                    if n)
        rows.append(f"<tr><td>{esc(t['id'])}</td><td>{esc(t['name'])}</td>"
                    f"<td>{esc(t.get('category') or '')}</td>"
                    f"<td>{b or '<span class=muted>no stance</span>'}</td></tr>")
    if not rows:
        return '<p class="muted">No targets.</p>'
    return ('<table class="targets"><tr><th>target</th><th>name</th><th>category</th>'
            f'<th>stances (quotes)</th></tr>{"".join(rows)}</table>')


def entity_table(article: Mapping[str, Any]) -> str:
    rows = [f"<tr><td>{esc(e['id'])}</td><td>{esc(e['name'])}</td><td>{esc(e['type'])}</td>"
            f"<td>{esc(e.get('role') or '')}</td><td>{esc(', '.join(e.get('aliases') or ()))}"
            f"</td><td>{esc(e.get('kb_id') or '')}</td></tr>" for e in article["entities"]]
    if not rows:
        return '<p class="muted">No entities.</p>'
    return ('<table class="entities"><tr><th>entity</th><th>name</th><th>type</th><th>role</th>'
            f'<th>aliases</th><th>kb id</th></tr>{"".join(rows)}</table>')


def meta_table(a: Mapping[str, Any]) -> str:
    rows = [("id", esc(a.get("id"))), ("outlet", esc(a.get("outlet") or "unknown")),
            ("published", esc(a.get("published") or "")), ("genre", esc(a.get("genre") or "")),
            ("provenance", esc(a.get("provenance"))), ("split", esc(a.get("split") or "")),
            ("language", esc(a.get("language"))), ("url", safe_link(a.get("url"))),
            ("source id", esc(a.get("source_id") or ""))]
    return '<table class="meta">' + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>"
                                            for k, v in rows) + "</table>"


def _type_counts(article: Mapping[str, Any]) -> list[tuple[str, int]]:
    return [(f"{t} quotes", sum(1 for q in article["quotes"] if q["type"] == t))
            for t in QUOTE_TYPES]


def render_article(article: Mapping[str, Any]) -> str:
    """One article with its annotations, as a self-contained HTML page."""
    body = [f'<h1 id="title">{esc(article.get("title") or article["id"])}</h1>',
            meta_table(article),
            cards([("quotes", len(article["quotes"])), *_type_counts(article),
                   ("targets", len(article["targets"])),
                   ("entities", len(article["entities"]))]),
            legend(),
            "<h2>Text</h2>", highlighted_text(article, "a"),
            "<h2>Quotations</h2>", f'<div class="scroll">{quote_table(article, "a")}</div>',
            "<h2>Targets</h2>", target_table(article),
            "<h2>Entities</h2>", entity_table(article)]
    if (article.get("annotation") or {}).get("notes"):
        body.append(f'<h2>Notes</h2><p class="notes">{esc(article["annotation"]["notes"])}</p>')
    return page(f"{article.get('title') or article['id']} — QuoteStance", "\n".join(body), CSS)


def layer_differences(gold: Mapping[str, Any], pred: Mapping[str, Any],
                      pairing: Pairing) -> dict[str, str]:
    """For each paired gold quote, which other layers the prediction gets wrong: the speaker
    (compared by entity name, since ids are per file), the cue span and the stances."""
    g_ents = {e["id"]: e["name"] for e in gold["entities"]}
    p_ents = {e["id"]: e["name"] for e in pred["entities"]}

    def who(ents: dict[str, str], sp: Any) -> tuple[str, Any]:
        # an id outside the entity list (an unresolved name) never equals "no speaker"
        return ("entity", ents[sp]) if sp in ents else ("other", sp or None)

    pq = {q["id"]: q for q in pred["quotes"]}
    out = {}
    for g in gold["quotes"]:
        p = pq.get(pairing.gold_to_pred.get(g["id"], ""))
        if p is None:
            continue
        diffs = []
        if who(g_ents, g.get("speaker")) != who(p_ents, p.get("speaker")):
            diffs.append("speaker differs")
        gc, pc = g.get("cue") or {}, p.get("cue") or {}
        if (gc.get("start"), gc.get("end")) != (pc.get("start"), pc.get("end")):
            diffs.append("cue differs")
        if {(s["target"], s["label"]) for s in g.get("stances") or ()} != \
                {(s["target"], s["label"]) for s in p.get("stances") or ()}:
            diffs.append("stance differs")
        if diffs:
            out[g["id"]] = ", ".join(diffs)
    return out


def prediction_quotes(raw: Any, gold: Mapping[str, Any], path: str = "<prediction>",
                      line: int = 0) -> list[dict[str, Any]]:
    """The quotes of a prediction (one object of a prediction file) for the comparison view,
    checked as ``quotestance evaluate`` checks them: the prediction format's parser
    (``parse_prediction``), then spans, speakers and stance targets against ``gold``
    (``resolve``); speakers and targets come back as gold ids (``UNRESOLVED`` with the
    prediction's name when none matches). The fields only the view reads (quote ``id``,
    ``speaker_mention``, ``cue``, ``continues``) are checked here. Raises ``PredictionError``
    listing every ``path:line: what``."""
    errors: list[str] = []
    parsed = parse_prediction(raw, path, line, errors)
    if parsed is None:
        raise PredictionError(errors)
    where = parsed.where
    if parsed.id != gold["id"]:
        raise PredictionError([f"{where}: the prediction is for article {parsed.id!r}, not "
                               f"{gold['id']!r}"])
    index = GoldIndex(dict(gold))
    resolved = resolve(parsed, dict(gold), errors, index)
    text = gold["text"]
    own_targets = dict(parsed.targets) if parsed.targets is not None else None
    own_names = {e[0]: e[1] for e in parsed.entities or ()}
    taken = {q["id"] for q in raw["quotes"] if isinstance(q.get("id"), str) and q["id"]}
    seen: set[str] = set()
    out = []
    for k, (q, pq) in enumerate(zip(raw["quotes"], parsed.quotes)):
        jp = f"{where}: article {parsed.id!r} quotes[{k}]"
        qid = q.get("id")
        if qid is None:
            qid, n = f"p{k + 1}", 0
            while qid in taken:
                n += 1
                qid = f"p{k + 1}_{n}"
            taken.add(qid)
        elif type(qid) is not str or not qid:
            errors.append(f"{jp}.id: expected a non-empty string or null, got {qid!r}")
        elif qid in seen:
            errors.append(f"{jp}.id: quote id {qid!r} is used twice")
        seen.add(str(qid))
        spans = {}
        for key in ("speaker_mention", "cue"):
            sp = q.get(key)
            if sp is None:
                spans[key] = None
            elif isinstance(sp, dict) and type(sp.get("start")) is int and \
                    type(sp.get("end")) is int and 0 <= sp["start"] < sp["end"] <= len(text):
                spans[key] = {"start": sp["start"], "end": sp["end"],
                              "text": text[sp["start"]:sp["end"]]}
            else:
                errors.append(f"{jp}.{key}: expected null or an object with integer 'start' "
                              f"< 'end' inside the text (length {len(text)}), got {sp!r}")
        cont = q.get("continues")
        if cont is not None and (type(cont) is not str or not cont):
            errors.append(f"{jp}.continues: expected a quote id or null, got {cont!r}")
        if errors:
            continue
        speaker = resolved[k].speaker
        name = pq.speaker_name if pq.speaker_name is not None else own_names.get(pq.speaker)
        stances = []
        for t, lab in pq.stances:
            gt = t if own_targets is None else index.target_for(own_targets[t])
            stances.append({"target": gt, "label": lab,
                            "target_name": own_targets[t] if own_targets else t})
        out.append({"id": qid, "start": pq.start, "end": pq.end, "text": text[pq.start:pq.end],
                    "type": pq.type, "speaker": speaker, "speaker_name": name,
                    "speaker_mention": spans["speaker_mention"], "cue": spans["cue"],
                    "continues": cont, "stances": stances})
    if errors:
        raise PredictionError(errors)
    return out


def render_comparison(gold: Mapping[str, Any], pred: Any, pred_name: str = "prediction",
                      *, path: str = "<prediction>", line: int = 0) -> str:
    """Gold and predicted annotations of one article side by side, misses and false alarms
    marked. ``pred`` is one object of a prediction file (``path``, ``line`` name it in
    messages); it is checked as ``evaluate`` checks it and ``PredictionError`` says what is
    wrong."""
    pred = {**gold, "quotes": prediction_quotes(pred, gold, path, line)}
    pairing = pair_quotes(gold["text"], gold["quotes"], pred["quotes"])
    notes = layer_differences(gold, pred, pairing)
    c = pairing.counts
    body = [f'<h1 id="title">{esc(gold.get("title") or gold["id"])}</h1>',
            f'<p class="muted">Gold vs {esc(pred_name)}. Quotes are paired one to one as '
            "<code>quotestance evaluate</code> pairs them: exact pairs are its exact matches "
            "(spans equal after trimming quotation marks, punctuation and spaces), partial "
            "pairs share words; <code>quotestance evaluate</code> gives the scores.</p>",
            meta_table(gold),
            cards([("gold quotes", c["gold"]), ("predicted", c["predicted"]),
                   ("exact", c["exact"]), ("partial", c["partial"]),
                   ("missed", c["missed"]), ("false alarms", c["false_alarms"])]),
            legend(compare=True),
            '<div class="cols">',
            f'<section id="gold"><h2>Gold</h2>{highlighted_text(gold, "g", pairing.status_gold)}'
            "</section>",
            f'<section id="pred"><h2>{esc(pred_name)}</h2>'
            f'{highlighted_text(pred, "p", pairing.status_pred)}</section>',
            "</div>",
            f'<h2>Gold quotations</h2><div class="scroll">'
            f'{quote_table(gold, "g", pairing.status_gold, notes)}</div>',
            f'<h2>Predicted quotations</h2><div class="scroll">'
            f'{quote_table(pred, "p", pairing.status_pred)}</div>',
            "<h2>Targets (gold)</h2>", target_table(gold)]
    return page(f"{gold.get('title') or gold['id']} — gold vs {pred_name}", "\n".join(body), CSS)
