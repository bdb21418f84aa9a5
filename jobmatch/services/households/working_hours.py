"""Working hours for the 三个三 clock (rule 8): the 3 minutes and 3 hours count only while staff are
on duty (local time, default 08:00–21:00, PROBLEM_WORKING_HOURS), so a problem reported at 23:00
is due an answer at 08:03, not at 23:03. The 3 days are calendar days."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from jobmatch.clock import LOCAL_TZ
from jobmatch.config import current_settings

DEFAULT_WORKING_HOURS = "08:00-21:00"


@dataclass(frozen=True)
class WorkingHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> "WorkingHours":
        """``"08:00-21:00"``; raises ValueError for anything else (a configuration error)."""
        first, _, last = (text or "").partition("-")
        hours = cls(time.fromisoformat(first.strip()), time.fromisoformat(last.strip()))
        if hours.start >= hours.end:
            raise ValueError(f"working hours must start before they end: {text!r}")
        return hours

    def add(self, start: datetime, span: timedelta) -> datetime:
        """The moment ``span`` of working time after ``start`` (an aware datetime), as local time."""
        moment, left = start.astimezone(LOCAL_TZ), span
        while True:
            opens, closes = self._day(moment)
            if moment >= closes:
                moment = self._day(moment + timedelta(days=1))[0]
                continue
            moment = max(moment, opens)
            if moment + left <= closes:
                return moment + left
            left -= closes - moment
            moment = closes

    def opening_of(self, moment: datetime) -> datetime:
        """When the working day of ``moment`` (a moment in working hours, as ``add`` returns) began."""
        return self._day(moment.astimezone(LOCAL_TZ))[0]

    def _day(self, moment: datetime) -> tuple[datetime, datetime]:
        day = moment.date()
        return (datetime.combine(day, self.start, LOCAL_TZ), datetime.combine(day, self.end, LOCAL_TZ))


def working_hours() -> WorkingHours:
    """The deployment's working hours (PROBLEM_WORKING_HOURS)."""
    return WorkingHours.parse(current_settings().problem_working_hours or DEFAULT_WORKING_HOURS)
