"""Voting weeks.

A voting week ends at a configurable cut-off (default Friday 18:00 Asia/Shanghai). Week
``YYYY-Www`` is the ISO week whose cut-off closes it: it runs from the previous week's
cut-off (inclusive) to its own cut-off (exclusive). A vote cast exactly at 18:00:00 on
Friday therefore counts for the next week. ISO weeks, not calendar years, number the
weeks, so 2026-W53 exists and 2027-W01 starts on Monday 4 January 2027.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @classmethod
    def parse(cls, label: str) -> Week:
        match = WEEK_RE.match(label.strip())
        if not match:
            raise ValueError(f"{label!r} is not a week like 2026-W47.")
        year, number = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"{year} has no ISO week {number}.") from None
        return cls(year, number)

    @property
    def cutoff(self) -> datetime:
        """The aware datetime (UTC) at which this voting week closes."""
        conf = settings.FANLOOP_WEEK_CUTOFF
        zone = ZoneInfo(conf["timezone"])
        day = date.fromisocalendar(self.year, self.number, conf["weekday"] + 1)
        hour, minute = (int(x) for x in conf["time"].split(":"))
        local = datetime.combine(day, time(hour, minute), tzinfo=zone)
        return local.astimezone(ZoneInfo("UTC"))

    @property
    def start(self) -> datetime:
        return self.previous().cutoff

    def previous(self) -> Week:
        monday = date.fromisocalendar(self.year, self.number, 1) - timedelta(days=7)
        year, number, _ = monday.isocalendar()
        return Week(year, number)

    def next(self) -> Week:
        monday = date.fromisocalendar(self.year, self.number, 1) + timedelta(days=7)
        year, number, _ = monday.isocalendar()
        return Week(year, number)


def week_of(moment: datetime) -> Week:
    """The voting week that ``moment`` counts towards."""
    zone = ZoneInfo(settings.FANLOOP_WEEK_CUTOFF["timezone"])
    local = moment.astimezone(zone)
    year, number, _ = local.date().isocalendar()
    week = Week(year, number)
    return week.next() if moment >= week.cutoff else week


def current_week() -> Week:
    return week_of(timezone.now())


def last_closed_week() -> Week:
    """The most recent week whose cut-off has passed."""
    return current_week().previous()
