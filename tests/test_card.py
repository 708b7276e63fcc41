"""The dataset card's generated parts (HF YAML header, statistics) are fresh."""

from quotestance.card import render

from .conftest import CORPUS


def test_card_is_fresh():
    card = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert render(card, CORPUS) == card, "run: python -m quotestance.card --write"
