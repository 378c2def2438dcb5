"""The tables of accounts and sign-in (never events: credentials are not history), declared in
:mod:`application.tables` with the project's other tables (their migration: ``0003_accounts``).

Each account row hangs on its owner's key row (``key_owner`` → ``dialogue_participant_keys``
with ``ON DELETE CASCADE``): the participant's own key for a participant account, a key of
its own for a staff account. Deleting the key, as an erasure does in the transaction of
``PersonalDataErased``, deletes the account, and with it its sign-in sessions, links and
recovery codes; the e-mail address it held was sealed with that key, so no copy of it
(a backup of this table included) can be read again.

Times are stored as UTC instants (``DateTime(timezone=True)``).
"""

from __future__ import annotations

from application.tables import (
    ACCOUNT_TABLES,
    accounts,
    api_requests,
    api_tokens,
    links,
    recovery_codes,
    security_log,
    sign_in_failures,
    sign_ins,
)

__all__ = ["ACCOUNT_TABLES", "accounts", "api_requests", "api_tokens", "links", "recovery_codes", "security_log", "sign_in_failures", "sign_ins"]
