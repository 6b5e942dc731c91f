"""The calendar's light rows convert stored UTC times to the practice zone exactly as
``astimezone`` does, across daylight-saving changes too (SPEC 0.3: times in the practice zone;
issue 17: ``calendar_rows`` reads SQLite's stored text itself)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.services.scheduling.calendar_rows import LocalTimes


@pytest.mark.parametrize("zone, first_day", [
    ("America/New_York", datetime(2026, 3, 7)),  # spring forward 8 March
    ("America/New_York", datetime(2026, 10, 31)),  # fall back 1 November: 01:00-02:00 twice
    ("Australia/Lord_Howe", datetime(2026, 4, 3)),  # back by 30 minutes on 5 April
    ("Australia/Lord_Howe", datetime(2026, 10, 2)),  # forward by 30 minutes on 4 October
    ("Asia/Kathmandu", datetime(2026, 1, 1)),  # +05:45, no change
    ("UTC", datetime(2026, 1, 1)),
])
def test_local_times_match_astimezone_around_clock_changes(zone, first_day):
    tz = ZoneInfo(zone)
    convert = LocalTimes(tz)
    moment = first_day.replace(tzinfo=UTC)
    for _ in range(4 * 24 * 12):  # four days, every 5 minutes, as stored text and as a datetime
        for value in (moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"), moment, int(moment.timestamp())):
            local, exact = convert(value), moment.astimezone(tz)
            assert (str(local), local.fold, local.tzinfo) == (str(exact), exact.fold, exact.tzinfo), value
            assert local == exact
        moment += timedelta(minutes=5)


def test_many_values_at_once_match_one_at_a_time():
    """``LocalTimes.add`` (a week's values in one pass) gives what each value alone gives, across
    New York's fall-back hour (01:00-02:00 twice)."""
    tz = ZoneInfo("America/New_York")
    moment = datetime(2026, 10, 31, tzinfo=UTC)
    values = set()
    for _ in range(2 * 24 * 4):
        values |= {int(moment.timestamp()), moment.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"), moment}
        moment += timedelta(minutes=15)
    at_once, alone = LocalTimes(tz), LocalTimes(tz)
    at_once.add(set(values))
    assert at_once.done.keys() == values
    for value in values:
        one = alone(value)
        assert (str(at_once.done[value]), at_once.done[value].fold) == (str(one), one.fold), value
