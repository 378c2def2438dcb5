"""Notifications (issue 18; ``docs/communications.md``): :mod:`.kinds` says what notifies
whom, :mod:`.inbox` keeps each account's notifications, seen state and preferences,
:mod:`.mailing` sends them by e-mail."""

from __future__ import annotations

from application.notifications.inbox import Notifications
from application.notifications.kinds import FREQUENCIES, KINDS, Kind

__all__ = ["FREQUENCIES", "KINDS", "Kind", "Notifications"]
