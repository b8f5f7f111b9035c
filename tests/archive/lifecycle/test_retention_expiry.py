from datetime import date
from pathlib import Path

import pytest

from archive.retention import is_expired, retention_expiry, transfer_due_date
from archive.settings import Settings, load_codelists


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


# --- leap days, event-based periods and policy changes ---------------------------------------

DEFAULT_TABLE = (Path(__file__).resolve().parents[3] / "schemas" / "codelists" / "retention.csv")


def replaced_codelists(tmp_path, *rows: str):
    """A province's retention list: the default one with rows changed or added (later rows win)."""
    folder = tmp_path / "codelists"
    folder.mkdir(exist_ok=True)
    (folder / "retention.csv").write_text(DEFAULT_TABLE.read_text(encoding="utf-8").rstrip("\n") + "\n"
                                          + "\n".join(rows) + "\n", encoding="utf-8")
    return load_codelists(Settings(codelists_dir=folder))


@pytest.mark.parametrize("maintenance, end, expected", [
    ("5 năm", date(2020, 12, 31), date(2025, 12, 31)),   # last day of a leap year
    ("20 năm", date(2024, 2, 29), date(2044, 12, 31)),   # leap-day EndDate counts by its year only
    ("10 năm", date(2019, 1, 1), date(2029, 12, 31)),    # first day of the year: still the whole year
])
def test_fixed_periods_end_on_the_last_day_of_end_year_plus_n(maintenance, end, expected):
    assert retention_expiry(maintenance, end) == expected


@pytest.mark.parametrize("trigger, years, expected", [
    (date(2024, 2, 29), 5, date(2029, 2, 28)),    # leap-day event, no 29 February in 2029
    (date(2024, 2, 29), 4, date(2028, 2, 29)),    # … but there is one four years later
    (date(2023, 3, 1), 1, date(2024, 3, 1)),
    (date(2024, 2, 29), 0, date(2024, 2, 29)),    # ends at the event itself (e.g. the building's demolition)
])
def test_event_based_periods_count_whole_years_from_the_recorded_event(tmp_path, trigger, years, expected):
    codelists = replaced_codelists(tmp_path, f"Sau khi thanh lý hợp đồng {years} năm,{years},yes")
    maintenance = f"Sau khi thanh lý hợp đồng {years} năm"
    assert retention_expiry(maintenance, date(2010, 1, 1), codelists=codelists) is None  # no event yet
    assert retention_expiry(maintenance, date(2010, 1, 1), trigger_date=trigger, codelists=codelists) == expected


def test_a_changed_period_in_the_policy_changes_the_expiry(tmp_path):
    # a new circular lengthens "10 năm" dossiers to 15 years: the province replaces its code list
    changed = replaced_codelists(tmp_path, "10 năm,15,")
    assert retention_expiry("10 năm", date(2021, 3, 15)) == date(2031, 12, 31)
    assert retention_expiry("10 năm", date(2021, 3, 15), codelists=changed) == date(2036, 12, 31)


def test_a_period_added_by_the_policy_is_known_only_under_that_policy(tmp_path):
    added = replaced_codelists(tmp_path, "15 năm,15,")
    assert retention_expiry("15 năm", date(2021, 3, 15), codelists=added) == date(2036, 12, 31)
    with pytest.raises(ValueError, match="unknown retention"):
        retention_expiry("15 năm", date(2021, 3, 15))


@pytest.mark.parametrize("deadline, end, expected", [
    (10, date(2016, 5, 1), date(2026, 12, 31)),   # the default policy value
    (5, date(2016, 5, 1), date(2021, 12, 31)),    # a shorter deadline set by the province
    (10, date(2016, 2, 29), date(2026, 12, 31)),
])
def test_permanent_dossiers_fall_due_for_transfer_by_end_of_end_year_plus_deadline(deadline, end, expected):
    assert transfer_due_date(end, deadline) == expected


@pytest.mark.parametrize("today, expired", [
    (date(2031, 12, 31), False),  # the last day of keeping
    (date(2032, 1, 1), True),
])
def test_a_dossier_expires_the_day_after_its_last_day_of_keeping(today, expired):
    assert is_expired(date(2031, 12, 31), today) is expired
    assert is_expired(None, today) is False  # permanent
