from datetime import date

import pytest

from archive.retention import retention_expiry


@pytest.mark.parametrize("maintenance, end, trigger, expected", [
    ("10 năm", date(2021, 3, 15), None, date(2031, 12, 31)),       # end of year EndYear + N
    ("10 năm", date(2021, 12, 31), None, date(2031, 12, 31)),
    ("5 năm", date(2020, 2, 29), None, date(2025, 12, 31)),        # leap-day EndDate
    ("70 năm", date(2000, 1, 1), None, date(2070, 12, 31)),
    ("Vĩnh viễn", date(2021, 3, 15), None, None),                  # permanent never expires
    ("Theo tuổi thọ công trình", date(2010, 6, 1), None, None),    # event not yet recorded
    ("Theo tuổi thọ công trình", date(2010, 6, 1), date(2024, 2, 29), date(2024, 2, 29)),
])
def test_retention_expiry_follows_the_policy(maintenance, end, trigger, expected):
    assert retention_expiry(maintenance, end, trigger_date=trigger) == expected


def test_unknown_retention_period_is_refused():
    with pytest.raises(ValueError, match="unknown retention"):
        retention_expiry("mãi mãi", date(2021, 1, 1))
