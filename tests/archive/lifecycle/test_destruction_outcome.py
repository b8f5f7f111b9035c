"""The outcome of one destruction-list item from its council's reviews (a table, no catalog)."""
from __future__ import annotations

from datetime import date

import pytest

from archive.lifecycle.destruction import outcome_of_reviews
from archive.retention import retention_expiry


def _expiry(retention: str) -> date | None:
    return retention_expiry(retention, date(2015, 6, 30), trigger_date=None)


@pytest.mark.parametrize("reviews, expected", [
    ([("agree", None)], ("destroy", None)),
    ([("agree", None), ("agree", None), ("agree", None)], ("destroy", None)),          # unanimous
    ([("agree", None), ("keep", "10 năm")], ("keep", "10 năm")),                       # one keep is enough
    ([("keep", "10 năm"), ("agree", None)], ("keep", "10 năm")),
    ([("keep", "10 năm"), ("keep", "20 năm")], ("keep", "20 năm")),                    # the longest wins
    ([("keep", "30 năm"), ("keep", "5 năm"), ("keep", "20 năm")], ("keep", "30 năm")),
    ([("keep", "Vĩnh viễn"), ("keep", "70 năm")], ("keep", "Vĩnh viễn")),              # permanent is longest
    ([("keep", "70 năm"), ("keep", "Vĩnh viễn")], ("keep", "Vĩnh viễn")),
    ([("keep", "Theo tuổi thọ công trình"), ("keep", "70 năm")],                       # no expiry yet counts as
     ("keep", "Theo tuổi thọ công trình")),                                          # the longest too
    ([("keep", "Vĩnh viễn"), ("keep", "Theo tuổi thọ công trình")], ("keep", "Vĩnh viễn")),   # tie: first asked
    ([("agree", "10 năm")], ("destroy", None)),                       # an agreeing member's retention is ignored
])
def test_item_outcome_follows_its_reviews(reviews, expected):
    assert outcome_of_reviews(reviews, _expiry) == expected
