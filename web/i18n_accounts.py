"""Words of accounts in the reader's language: refusals of the account rules (merged into
:data:`web.i18n.ERROR_MESSAGES`) and the entries of the security log."""

from __future__ import annotations

from web.translate import lazy_gettext as _l

ACCOUNT_ERROR_MESSAGES = {
    "sign_in_required": _l("Sign in to do this."),
    "not_yourself": _l("You act only as yourself."),
    "no_participant": _l("Sign in with a participant's account to do this."),
    "administrator_only": _l("Only an administrator can do this."),
    "unknown_role": _l("A role is secretariat, auditor or administrator."),
    "already_granted": _l("This account already holds this role."),
    "not_granted": _l("This account does not hold this role."),
    "own_administrator_role": _l("An administrator does not revoke their own administrator role."),
    "account_exists": _l("This participant already has an account; they can choose a new password from the sign-in page."),
    "email_taken": _l("Another account already uses this address."),
    "invalid_email": _l("This is not an e-mail address."),
    "unknown_account": _l("No such account."),
    "participant_account": _l("A participant's account is deleted by erasing their data."),
    "password_too_short": _l("A password has at least 12 characters."),
    "password_too_long": _l("A password has at most 256 characters."),
    "password_too_common": _l("This password is too common or too easy to guess; choose another."),
    "wrong_password": _l("The password is not right."),
    "password_unchanged": _l("The new password is the same as the present one; choose another."),
    "passwords_differ": _l("The two passwords are not the same."),
    "link_invalid": _l("This link is no longer valid."),
    "second_factor_required": _l("Your roles require a second factor: it stays on."),
    "second_factor_enabled": _l("The second factor is already on."),
    "second_factor_off": _l("The second factor is off."),
    "no_enrolment": _l("Start setting up the second factor again."),
    "wrong_code": _l("This code is not right; check the time on your phone and type the code it shows now."),
    "not_a_demo_account": _l("Only demo accounts are switched to, in demo mode."),
    "unknown_scope": _l("A token's scope is read or write."),
    "bad_token_expiry": _l("A token lasts 1 to 365 days."),
    "invalid_token": _l("This token is unknown, revoked or expired."),
    "token_read_only": _l("This token may only read; create one with the write scope to act."),
}

SECURITY_EVENTS = {
    "account_created": _l("account created"),
    "invitation_sent": _l("invitation sent"),
    "reset_requested": _l("new password asked for"),
    "password_set": _l("password chosen"),
    "password_changed": _l("password changed"),
    "sign_in": _l("signed in"),
    "sign_in_failed": _l("failed sign-in"),
    "sign_in_throttled": _l("sign-in refused: too many attempts"),
    "second_factor_failed": _l("wrong second-factor code"),
    "sign_out": _l("signed out"),
    "session_ended": _l("session ended"),
    "second_factor_enabled": _l("second factor turned on"),
    "second_factor_disabled": _l("second factor turned off"),
    "recovery_code_used": _l("recovery code used"),
    "recovery_codes_renewed": _l("new recovery codes"),
    "access_granted": _l("role granted"),
    "access_revoked": _l("role revoked"),
    "erasure_requested": _l("erasure asked for"),
    "language_changed": _l("language changed"),
    "account_deleted": _l("account deleted"),
    "token_created": _l("API token created"),
    "token_revoked": _l("API token revoked"),
}


def security_event(code: str) -> str:
    """The reader's label of a security log entry (the code itself when unknown)."""
    return str(SECURITY_EVENTS.get(code, code))
