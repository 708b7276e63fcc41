"""Code points vs UTF-16 code units, and span checks shared by the importers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quotestance.interchange.offsets import Utf16Index, resolve_span


def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@given(st.text(alphabet=st.sampled_from("ab \n😀🚢é中"), max_size=30))
def test_utf16_conversion_round_trips(text):
    ix = Utf16Index(text)
    for cp in range(len(text) + 1):
        u = ix.to_utf16(cp)
        assert u == _u16(text[:cp])
        assert ix.from_utf16(u) == cp


def test_an_offset_inside_a_surrogate_pair_has_no_code_point():
    ix = Utf16Index("a😀b")
    assert ix.from_utf16(2) is None
    assert ix.from_utf16(3) == 2


def test_resolve_span_prefers_code_points_then_utf16():
    text = "😀 said “hi”"
    s = text.index("said")
    assert resolve_span(text, s, s + 4, "said") == (s, s + 4, None)
    start, end, note = resolve_span(text, s + 1, s + 5, "said")
    assert (start, end) == (s, s + 4) and "UTF-16" in note


@pytest.mark.parametrize("start,end,quoted,msg", [
    (0, 99, None, "outside the text"),
    (3, 3, None, "empty or reversed"),
    (0, 2, "zz", "differs from text"),
    ("0", 2, None, "must be integers"),
])
def test_resolve_span_errors(start, end, quoted, msg):
    with pytest.raises(ValueError, match=msg):
        resolve_span("hello", start, end, quoted)
