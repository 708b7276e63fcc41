"""Metric arithmetic: hand tables, and cross-checks against independent implementations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quotestance.evaluation.metrics import (accuracy, alpha_nominal_from_confusion, cohen_kappa,
                                            confusion, f_avg, f_avg_by_group,
                                            krippendorff_alpha_nominal, macro_f1, prf)

# scikit-learn warns about degenerate tables, which the cross-checks generate on purpose
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

LABELS = ["favor", "against", "neutral"]

# A hand-computed table: 10 pairs.
Y_TRUE = ["favor", "favor", "favor", "against", "against", "against", "against", "neutral",
          "neutral", "favor"]
Y_PRED = ["favor", "favor", "against", "against", "against", "none", "neutral", "neutral",
          "favor", "none"]
# favor:   tp 2, fp 1 (neutral->favor), fn 2  -> F1 4/7
# against: tp 2, fp 1 (favor->against), fn 2 -> F1 4/7
# neutral: tp 1, fp 1, fn 1                 -> F1 1/2


def test_hand_table():
    assert macro_f1(Y_TRUE, Y_PRED) == pytest.approx((4 / 7 + 4 / 7 + 1 / 2) / 3)
    assert f_avg(Y_TRUE, Y_PRED) == pytest.approx(4 / 7)
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(5 / 10)


def test_prf_conventions():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert prf(2, 4, 8) == (0.5, 0.25, pytest.approx(1 / 3))


def test_undefined_class_is_left_out_of_the_average():
    # no neutral anywhere: macro over favor and against only
    assert macro_f1(["favor", "against"], ["favor", "against"]) == 1.0
    # SemEval F_avg with no favor at all is F1(against)
    assert f_avg(["against", "neutral"], ["against", "against"]) == pytest.approx(2 / 3)


def _pooled_f_avg_reference(y_true, y_pred):
    """Written separately from the library: pooled counts, F1 from P and R."""
    fs = []
    for c in ("favor", "against"):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == c and p == c)
        npred = sum(1 for p in y_pred if p == c)
        ngold = sum(1 for t in y_true if t == c)
        if npred == 0 and ngold == 0:
            continue
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        fs.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(fs) / len(fs) if fs else 0.0


labels_st = st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS + ["none"])),
                     min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(pairs=labels_st)
def test_macro_f1_matches_scikit_learn(pairs):
    from sklearn.metrics import f1_score

    y_true, y_pred = [t for t, _ in pairs], [p for _, p in pairs]
    present = [lab for lab in LABELS if lab in y_true or lab in y_pred]
    expected = f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)
    assert macro_f1(y_true, y_pred) == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(pairs=labels_st)
def test_f_avg_matches_separate_pooled_implementation(pairs):
    y_true, y_pred = [t for t, _ in pairs], [p for _, p in pairs]
    assert f_avg(y_true, y_pred) == pytest.approx(_pooled_f_avg_reference(y_true, y_pred))


def test_f_avg_by_group_differs_from_pooled():
    y_true = ["favor", "against", "favor", "against"]
    y_pred = ["favor", "against", "against", "none"]
    groups = ["trade", "trade", "labour", "labour"]
    assert f_avg_by_group(y_true, y_pred, groups) == pytest.approx((1.0 + 0.0) / 2)
    # pooled: favor tp1 fn1 -> 2/3; against tp1 fp1 fn1 -> 1/2
    assert f_avg(y_true, y_pred) == pytest.approx((2 / 3 + 1 / 2) / 2)


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)),
                      min_size=2, max_size=40))
def test_kappa_matches_scikit_learn(pairs):
    import math

    from sklearn.metrics import cohen_kappa_score

    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    expected = cohen_kappa_score(a, b)
    if math.isnan(expected):  # one label used by both coders throughout: we define 1.0
        assert a == b and len(set(a)) == 1 and cohen_kappa(a, b) == 1.0
    else:
        assert cohen_kappa(a, b) == pytest.approx(expected)


def test_kappa_hand_table():
    # 2x2 table [[20, 5], [10, 15]]: po = .7, pe = .5*.6 + .5*.4 = .5, kappa = .4
    a = ["favor"] * 25 + ["against"] * 25
    b = ["favor"] * 20 + ["against"] * 5 + ["favor"] * 10 + ["against"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_alpha_hand_table():
    # Two coders, 4 units: (a,a) (a,b) (b,b) (b,b). Coincidences: o_aa 2, o_ab 1, o_ba 1,
    # o_bb 4; n_a 3, n_b 5, n 8. alpha = 1 - 7 * 2 / (3*5 + 5*3) = 1 - 14/30 = 8/15.
    data = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]
    assert krippendorff_alpha_nominal(data) == pytest.approx(8 / 15)
    cm = confusion([x for x, _ in data], [y for _, y in data])
    assert alpha_nominal_from_confusion(cm, ["a", "b"]) == pytest.approx(8 / 15)


def test_alpha_krippendorff_reference_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example
    # with 4 coders, 12 units and missing values: alpha = 0.743.
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = list(zip(*rows))
    assert krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)),
                      min_size=2, max_size=30))
def test_alpha_from_table_equals_alpha_from_units(pairs):
    cm = confusion([a for a, _ in pairs], [b for _, b in pairs])
    assert alpha_nominal_from_confusion(cm, LABELS) == \
        pytest.approx(krippendorff_alpha_nominal(pairs))


def test_perfect_agreement_is_one():
    a = ["favor", "against", "neutral", "favor"]
    assert cohen_kappa(a, a) == 1.0 and krippendorff_alpha_nominal(list(zip(a, a))) == 1.0
