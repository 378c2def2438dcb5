"""The forms of signing in and of a person's account (Flask-WTF, each with its CSRF token).

Field names are part of the contract (issue 10): the sign-in form posts ``email``,
``password`` and ``csrf_token``; the second-factor step posts ``code``. Password fields are
never filled back in; the address a person typed always is.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange

from web.form_data import WebForm
from web.forms import LANGUAGE_LABELS, opts
from web.translate import lazy_gettext as _l

LANGUAGE_CHOICES = opts((c, LANGUAGE_LABELS[c]) for c in ("es", "en", "pt", "fr"))


def _email_field(label: Any = None, autocomplete: str = "username") -> StringField:
    return StringField(label or _l("E-mail address"), filters=[lambda v: v.strip() if isinstance(v, str) else v],
                       validators=[InputRequired(_l("Type an e-mail address."))],
                       render_kw={"autocomplete": autocomplete, "inputmode": "email", "spellcheck": "false", "autocapitalize": "none"})


class SignInForm(WebForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Type your password."))],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class CodeForm(WebForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Type the code."))],
                       description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false", "autocapitalize": "none"})


class ButtonForm(WebForm):
    """A button with its CSRF token (sign out, end my other sessions…)."""


class ResetRequestForm(WebForm):
    email = _email_field()


class NewPasswordForm(WebForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(_l("Type a password."))],
                             description=_l("At least 12 characters. A few words you will remember are a good password."),
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("The same password again"), validators=[InputRequired(_l("Type the password again."))],
                            render_kw={"autocomplete": "new-password"})
    # The password's faults (too short, the same as the present one, a confirmation that
    # differs…) are the application's: Accounts.new_password_problems, all at once.


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(_l("Type your current password."))],
                                     render_kw={"autocomplete": "current-password"})


class PasswordCheckForm(WebForm):
    """A change that needs the password again (second factor off, new recovery codes)."""

    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Type your password."))],
                             render_kw={"autocomplete": "current-password"})


class LanguageForm(WebForm):
    language = SelectField(_l("Language of pages and e-mails"), choices=LANGUAGE_CHOICES)


class SessionForm(WebForm):
    session = HiddenField(validators=[InputRequired()])


class ErasureForm(WebForm):
    confirm = BooleanField(_l("I ask for the erasure of my personal data"), validators=[InputRequired(_l("Tick the box to confirm."))])


class InviteForm(WebForm):
    participant = SelectField(_l("Participant"), choices=[], validate_choice=False,
                              validators=[InputRequired(_l("Choose a participant."))])
    email = _email_field(_l("Their e-mail address"), autocomplete="off")


class DemoSwitchForm(WebForm):
    account = HiddenField(validators=[InputRequired()])
    next = HiddenField()


class TokenForm(WebForm):
    """A personal access token for the JSON API (the rules: :mod:`application.accounts.tokens`)."""

    name = StringField(_l("Name"), validators=[InputRequired(_l("Give the token a name."))],
                       description=_l("What it is for, e.g. the script that uses it."), render_kw={"maxlength": 100, "autocomplete": "off"})
    scope = SelectField(_l("Scope"), choices=opts([("read", _l("read: what you can read")), ("write", _l("write: also act as you"))]))
    days = IntegerField(_l("Days until it expires"), default=90,
                        validators=[InputRequired(_l("Type a number of days.")), NumberRange(1, 365, _l("From 1 to 365 days."))])


class RevokeTokenForm(WebForm):
    token = HiddenField(validators=[InputRequired()])
