"""SPEC 0.7: automatic backups keep a rotation. The rule is a pure function over (time, kind),
tested here on several calendars without any file."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.services.backup_rotation import Stamp, backups_to_delete

TZ = ZoneInfo("America/New_York")


def at(y, m, d, h=9, mi=0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TZ)


def kept(backups, now):
    gone = {id(b) for b in backups_to_delete(backups, now)}
    return sorted((b for b in backups if id(b) not in gone), key=lambda b: b.taken_at)


def test_spec_0_7_a_few_backups_are_all_kept():
    backups = [Stamp(at(2026, 3, 1), "auto"), Stamp(at(2026, 3, 1, 10), "auto")]
    assert backups_to_delete(backups, at(2026, 3, 1, 12)) == []
    assert backups_to_delete([], at(2026, 3, 1)) == []


def test_spec_0_7_a_daily_user_keeps_14_days_and_one_per_month_for_a_year():
    # one automatic backup every morning from 1 Jan 2025 to 20 Mar 2026
    days = [at(2025, 1, 1) + timedelta(days=i) for i in range(444)]
    assert days[-1].date().isoformat() == "2026-03-20"
    backups = [Stamp(t, "auto") for t in days]
    left = [b.taken_at.date().isoformat() for b in kept(backups, at(2026, 3, 20, 12))]
    month_ends = ["2025-04-30", "2025-05-31", "2025-06-30", "2025-07-31", "2025-08-31", "2025-09-30",
                  "2025-10-31", "2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28"]
    last_14 = [f"2026-03-{d:02d}" for d in range(7, 21)]
    # 12 months: March 2026 (its newest is today's) and the 11 before it, each by its last backup
    assert left == month_ends + last_14


def test_spec_0_7_several_starts_a_day_keep_the_newest_of_each_day_and_the_three_newest():
    backups = [Stamp(at(2026, 5, d, h), "auto") for d in range(1, 21) for h in (8, 11, 14, 17)]
    left = kept(backups, at(2026, 5, 20, 18))
    today = [b.taken_at.hour for b in left if b.taken_at.day == 20]
    assert today == [11, 14, 17]  # the three newest overall
    earlier = [(b.taken_at.day, b.taken_at.hour) for b in left if b.taken_at.day < 20]
    assert earlier == [(d, 17) for d in range(7, 20)]  # the newest of each of the other 13 days


def test_spec_0_7_days_without_use_do_not_count():
    # used for 20 days, then not for three months: the 14 days are the last 14 that have a backup
    backups = [Stamp(at(2026, 1, d), "auto") for d in range(1, 21)]
    left = kept(backups, at(2026, 4, 25))
    assert [b.taken_at.day for b in left] == list(range(7, 21))


def test_spec_0_7_manual_and_before_restore_backups_are_kept_90_days():
    now = at(2026, 6, 30, 12)
    autos = [Stamp(at(2026, 3, 1, 18) + timedelta(days=i), "auto") for i in range(122)]  # to 30 Jun
    asked = [Stamp(now - timedelta(days=89), "manual"), Stamp(now - timedelta(days=60), "before-restore"),
             Stamp(now - timedelta(days=91), "manual"), Stamp(now - timedelta(days=95), "before-restore")]
    gone = backups_to_delete(autos + asked, now)
    assert asked[0] not in gone and asked[1] not in gone
    assert asked[2] in gone and asked[3] in gone  # older than 90 days, and not a month's newest


def test_spec_0_7_day_boundaries_are_the_practice_local_days():
    # 23:30 and 00:30 local are two different days, even though both are the same UTC day
    late, early = Stamp(at(2026, 2, 1, 23, 30), "auto"), Stamp(at(2026, 2, 2, 0, 30), "auto")
    fillers = [Stamp(at(2026, 2, 2, h), "auto") for h in (1, 2, 3)]
    assert backups_to_delete([late, early, *fillers], at(2026, 2, 2, 4)) == [early]
