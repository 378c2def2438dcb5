"""The forms of requests to join a working table (issue 17, "Requests to join the mechanism
through a table"): the request of someone without an account, and the decision of the
table's representatives or the secretariat.

The shape checks here (required fields, sizes, an address's form, a decline's ground and
reason) let a refused form come back with every error at once; the rules themselves are
the application's (:mod:`application.commands.join_requests`), which checks them again.
"""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from domain.join_request import DECLINE_GROUNDS, MAX_MOTIVATION
from domain.open_call import EMAIL, MAX_CONTACT, MAX_NAME, MAX_REASON
from domain.reference import lac_states
from web.forms import LANGUAGE_LABELS, CommandForm, lf, opts
from web.i18n import TOO_LONG
from web.labels import GROUP_LABELS
from web.translate import lazy_gettext as _l

GROUND_LABELS = {
    "not_a_stakeholder": _l("not a stakeholder"),
    "duplicate": _l("duplicate"),
    "unverifiable": _l("unverifiable"),
}


def _required(message: Any) -> Any:
    def check(form: Any, field: Any) -> None:
        if not str(field.data or "").strip():
            raise ValidationError(message)
    return check


class JoinRequestForm(CommandForm):
    """A request to join a table. ``website`` is a trap for robots, as on the input form of
    an open call: hidden from people, a filled one means no person sent the form."""

    motivation = TextAreaField(
        _l("Why you want to join this table"), filters=[lf], render_kw={"maxlength": MAX_MOTIVATION},
        validators=[_required(_l("Tell the table why you want to join.")), Length(max=MAX_MOTIVATION, message=TOO_LONG)],
        description=_l("Up to 2,000 characters. Only the table's representatives and the secretariat read it."),
    )
    display_name = StringField(
        _l("Your name"), filters=[lf], render_kw={"maxlength": MAX_NAME, "autocomplete": "name"},
        validators=[_required(_l("Give your name.")), Length(max=MAX_NAME, message=TOO_LONG)],
    )
    organisation_name = StringField(
        _l("Organisation (if any)"), filters=[lf], render_kw={"maxlength": MAX_NAME, "autocomplete": "organization"},
        validators=[Length(max=MAX_NAME, message=TOO_LONG)],
    )
    country = SelectField(_l("Country"), choices=opts((c, s.name_en) for c, s in sorted(lac_states().items())))
    stakeholder_group = SelectField(_l("Stakeholder group"), choices=opts(GROUP_LABELS.items()))
    language = SelectField(_l("Your language"), choices=opts(LANGUAGE_LABELS.items()))
    contact = StringField(
        _l("Contact address"), filters=[lf], render_kw={"maxlength": MAX_CONTACT, "autocomplete": "email"},
        description=_l("Your invitation to create an account goes there if the table accepts you. Never published; erased on request."),
    )
    website = StringField(_l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"})

    def validate_contact(self, field: Any) -> None:
        value = str(field.data or "").strip()
        if len(value) > MAX_CONTACT or not EMAIL.match(value):
            raise ValidationError(_l("Give an e-mail address, such as name@example.org."))


class JoinDecisionForm(CommandForm):
    """Accept (with the new participant's reference) or decline (with a listed ground and a
    reason) one request."""

    decision = SelectField(_l("Decision"), choices=opts((("accept", _l("accept")), ("decline", _l("decline")))))
    participant_reference = StringField(
        _l("Reference of the new participant (on an acceptance)"), filters=[lf], render_kw={"maxlength": MAX_NAME},
        validators=[Length(max=MAX_NAME, message=TOO_LONG)],
    )
    ground = SelectField(_l("Ground (on a decline)"), choices=opts([("", "—"), *GROUND_LABELS.items()]))
    reason = TextAreaField(_l("Reason"), filters=[lf], validators=[Length(max=MAX_REASON, message=TOO_LONG)])

    def validate_ground(self, field: Any) -> None:
        if self.decision.data == "decline" and field.data not in DECLINE_GROUNDS:
            raise ValidationError(_l("A decline names its ground: not a stakeholder, duplicate or unverifiable."))

    def validate_reason(self, field: Any) -> None:
        if self.decision.data == "decline" and not str(field.data or "").strip():
            raise ValidationError(_l("A decline gives its reason."))
