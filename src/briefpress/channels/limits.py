"""Sending within a provider's limits: wait for a free minute, stop at the day's cap.

The windows slide, as providers count them: a message sent at 10:00 counts
against the day until 10:00 the next day. The history comes from the send log,
so a second run the same day knows what the first one sent.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

MINUTE = 60.0
DAY = 86400.0


@dataclass(frozen=True)
class Limits:
    """What the provider allows: messages a minute and a day, addresses a day (to and cc
    count one each). None is no limit. Days are any 24 hours, as providers count them."""

    per_minute: int | None = None
    per_day: int | None = None
    recipients_per_day: int | None = None


@dataclass(frozen=True)
class Wait:
    """Before the next message: sleep ``seconds``, or stop (the day's cap) until ``until``."""

    seconds: float = 0.0
    stop: bool = False
    until: float = 0.0
    reason: str = ""


class Limiter:
    """Counts messages and addresses in the last minute and the last 24 hours."""

    def __init__(self, limits: Limits, history: list[tuple[float, int]]) -> None:
        self.limits = limits
        self.day: deque[tuple[float, int]] = deque()
        self.minute: deque[float] = deque()
        self.addresses = 0  # in self.day
        for when, count in sorted(history):
            self.record(when, count)

    def _trim(self, now: float) -> None:
        while self.day and self.day[0][0] <= now - DAY:
            self.addresses -= self.day.popleft()[1]
        while self.minute and self.minute[0] <= now - MINUTE:
            self.minute.popleft()

    def wait(self, now: float, addresses: int) -> Wait:
        """What to do before handing over a message to ``addresses`` addresses."""
        self._trim(now)
        limits = self.limits
        if limits.per_day is not None and len(self.day) >= limits.per_day:
            until = self.day[len(self.day) - limits.per_day][0] + DAY
            return Wait(stop=True, until=until, reason=f"{limits.per_day} messages a day")
        cap = limits.recipients_per_day
        if cap is not None and self.addresses + addresses > cap:
            return Wait(
                stop=True,
                until=self._addresses_free(self.addresses + addresses - cap),
                reason=f"{cap} addresses a day",
            )
        if limits.per_minute is not None and len(self.minute) >= limits.per_minute:
            oldest = self.minute[len(self.minute) - limits.per_minute]
            return Wait(seconds=max(0.0, oldest + MINUTE - now))
        return Wait()

    def _addresses_free(self, excess: int) -> float:
        """When enough of the oldest messages age out of the day to make room."""
        freed = 0
        for started, count in self.day:
            freed += count
            if freed >= excess:
                return started + DAY
        return self.day[-1][0] + DAY if self.day else 0.0

    def record(self, when: float, addresses: int) -> None:
        self.day.append((when, addresses))
        self.addresses += addresses
        self.minute.append(when)
