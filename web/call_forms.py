"""The forms of open calls for input (issue 17): sending an input (anyone), moderating
one, linking accepted inputs to a proposal, opening a call. Shape only: the rules are the
application's (:mod:`application.commands.calls`)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from domain.open_call import MAX_CONTACT, MAX_INPUT_TEXT, MAX_NAME, REJECTION_CATEGORIES
from domain.reference import lac_states
from web.forms import LANGUAGE_LABELS, TABLES, CommandForm, lf, objective_choices, opts
from web.labels import CATEGORY_LABELS, GROUP_LABELS
from web.translate import lazy_gettext as _l


class InputForm(CommandForm):
    """An input to an open call. ``website`` is a trap for robots: hidden from people (and
    from assistive technology), a filled one means the form was not sent by a person."""

    text = TextAreaField(_l("Your input"), filters=[lf], render_kw={"maxlength": MAX_INPUT_TEXT},
                         description=_l("Up to 5,000 characters. It is published once moderation accepts it."))
    organisation_name = StringField(_l("Organisation (if any)"), filters=[lf], render_kw={"maxlength": MAX_NAME})
    country = SelectField(_l("Country"), choices=opts((c, s.name_en) for c, s in sorted(lac_states().items())))
    stakeholder_group = SelectField(_l("Stakeholder group"), choices=opts(GROUP_LABELS.items()))
    language = SelectField(_l("Language of your input"), choices=[])
    contact = StringField(_l("Contact address (optional)"), filters=[lf], render_kw={"maxlength": MAX_CONTACT, "autocomplete": "email"},
                          description=_l("Never published; erased on request."))
    website = StringField(_l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"})


class ModerationForm(CommandForm):
    """Accept or reject one input (a rejection names its category and reason)."""

    decision = SelectField(_l("Decision"), choices=opts((("accept", _l("accept")), ("reject", _l("reject")))))
    category = SelectField(_l("Category (on a rejection)"), choices=opts([("", "—"), *((c, CATEGORY_LABELS[c]) for c in REJECTION_CATEGORIES)]), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), filters=[lf])
    allow_more = BooleanField(_l("The sender may send another input"))


class LinkInputForm(CommandForm):
    """Link an accepted input to a proposal (its authors)."""

    input = SelectField(_l("Accepted input"), choices=[], validate_choice=False)


class OpenCallForm(CommandForm):
    """Open a call for inputs (the secretariat, or a table's facilitators)."""

    title = StringField(_l("Title"), filters=[lf])
    text = TextAreaField(_l("What the call asks"), filters=[lf])
    objectives = SelectMultipleField(_l("GCM objectives"), coerce=int, choices=objective_choices())
    table = SelectField(_l("Working table"), choices=opts([("", _l("the whole mechanism")), *((t, t) for t in TABLES)]), validators=[Optional()])
    languages = SelectMultipleField(_l("Languages it takes"), choices=opts(LANGUAGE_LABELS.items()))
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])
