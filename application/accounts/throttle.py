"""Failed sign-ins, counted in the database so that every web worker sees the same counts.

Two kinds of subject are counted (issue 10, "Throttling"): the e-mail address typed (as its
blind index, whether or not an account has it, so that throttling itself does not tell
which addresses have accounts) and the network address the attempt came from (as a keyed
hash: addresses are personal data). After a subject's free attempts, each further failure
makes it wait longer before the next attempt is even checked: 1 s, 2 s, 4 s… up to
:attr:`Policy.max_delay`; an attempt made while it must wait is refused with the time left
(the web answers 429). A success clears the e-mail subject; counts of a subject with no
failure for :data:`FORGET_AFTER` start again from zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import Engine, delete, insert, select, update

from application.accounts.common import aware
from application.accounts.tables import sign_in_failures

FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Policy:
    """``free`` failures before delays start; the delay doubles per failure up to ``max_delay`` seconds."""

    free: int
    max_delay: int = 900

    def delay(self, failures: int) -> int:
        """Seconds to wait after ``failures`` failures (0 while within the free ones)."""
        extra = failures - self.free
        return 0 if extra < 0 else min(2 ** min(extra, 20), self.max_delay)


EMAIL_POLICY = Policy(free=4)
ADDRESS_POLICY = Policy(free=20)


@dataclass(frozen=True)
class Subject:
    """What is counted: ``key`` such as ``email:<hmac>`` and its policy."""

    key: str
    policy: Policy


class Throttle:
    """Reads and writes the failure counts (table ``dialogue_sign_in_failures``)."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.now = now

    def wait_seconds(self, subjects: Sequence[Subject]) -> int:
        """Seconds before any of ``subjects`` may try again (0: now)."""
        now = self.now()
        with self.engine.connect() as c:
            rows = {r.subject: r for r in c.execute(select(sign_in_failures).where(
                sign_in_failures.c.subject.in_([s.key for s in subjects])))}
        wait = 0.0
        for s in subjects:
            r = rows.get(s.key)
            if r is None or aware(r.last_at) + FORGET_AFTER < now:
                continue
            ready = aware(r.last_at) + timedelta(seconds=s.policy.delay(r.failures))
            wait = max(wait, (ready - now).total_seconds())
        return ceil(wait) if wait > 0 else 0

    def failed(self, subjects: Sequence[Subject]) -> None:
        """Count one failure for each subject."""
        now = self.now()
        with self.engine.begin() as c:
            for s in subjects:
                row = c.execute(select(sign_in_failures).where(sign_in_failures.c.subject == s.key)).first()
                if row is None:
                    c.execute(insert(sign_in_failures).values(subject=s.key, failures=1, first_at=now, last_at=now))
                elif aware(row.last_at) + FORGET_AFTER < now:
                    c.execute(update(sign_in_failures).where(sign_in_failures.c.subject == s.key).values(failures=1, first_at=now, last_at=now))
                else:
                    c.execute(update(sign_in_failures).where(sign_in_failures.c.subject == s.key).values(
                        failures=sign_in_failures.c.failures + 1, last_at=now))

    def failures(self, subject: Subject) -> int:
        with self.engine.connect() as c:
            n = c.execute(select(sign_in_failures.c.failures).where(sign_in_failures.c.subject == subject.key)).scalar()
        return int(n or 0)

    def clear(self, subject: Subject) -> None:
        with self.engine.begin() as c:
            c.execute(delete(sign_in_failures).where(sign_in_failures.c.subject == subject.key))

    def forget_old(self) -> int:
        """Delete counts with no failure for :data:`FORGET_AFTER`; returns how many."""
        with self.engine.begin() as c:
            r = c.execute(delete(sign_in_failures).where(sign_in_failures.c.last_at < self.now() - FORGET_AFTER))
        return int(r.rowcount or 0)
