"""One name, however it is typed: the form organization names are compared in."""

from __future__ import annotations

import pytest

from app.kit.names import comparable_name


@pytest.mark.parametrize(
    "typed",
    ["Viasna", "VIASNA", "  viasna ", "Ｖｉａｓｎａ", "VIASNA\u3000"],
)
def test_spellings_of_one_name_compare_equal(typed: str) -> None:
    assert comparable_name(typed) == "viasna"


def test_inner_whitespace_of_any_kind_collapses() -> None:
    assert comparable_name("Forum\u00a0of\tthe\n Free") == "forum of the free"


def test_cyrillic_case_and_composed_letters_fold() -> None:
    # "Ў" typed as one code point or as У + combining breve is one letter.
    assert comparable_name("ВЯСНА Ў") == comparable_name("вясна у\u0306")


def test_different_names_stay_different() -> None:
    assert comparable_name("Viasna") != comparable_name("Viasna 2")
