from datetime import UTC, datetime

import pytest

from feedback.week import Week, week_of


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_cutoff_is_friday_18_shanghai():
    # 2026-W47: Friday 20 November 2026, 18:00 in Shanghai is 10:00 UTC.
    assert Week.parse("2026-W47").cutoff == utc(2026, 11, 20, 10, 0)


def test_exactly_at_cutoff_counts_for_next_week():
    assert str(week_of(utc(2026, 11, 20, 9, 59, 59))) == "2026-W47"
    assert str(week_of(utc(2026, 11, 20, 10, 0, 0))) == "2026-W48"


def test_time_zone_of_the_moment_does_not_matter():
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    # 02:00 in Los Angeles is 18:00 in Shanghai: the cut-off itself.
    assert str(week_of(moment)) == "2026-W48"


def test_iso_week_53_and_year_change():
    w53 = Week.parse("2026-W53")
    assert w53.cutoff == utc(2027, 1, 1, 10, 0)
    assert str(w53.next()) == "2027-W01"
    assert str(Week.parse("2027-W01").previous()) == "2026-W53"
    assert str(week_of(utc(2026, 12, 31, 12, 0))) == "2026-W53"
    assert w53.start == Week.parse("2026-W52").cutoff


def test_bad_week_labels_are_refused():
    for label in ["2026-47", "2025-W53", "W47", "2026-W00"]:
        with pytest.raises(ValueError):
            Week.parse(label)


def test_configurable_cutoff(settings):
    settings.FANLOOP_WEEK_CUTOFF = {"weekday": 0, "time": "09:30", "timezone": "UTC"}
    assert Week.parse("2026-W47").cutoff == utc(2026, 11, 16, 9, 30)
