"""Pages: my notifications (issue 18, "In the service") and how each kind reaches me.

- ``/notifications``: the signed-in person's notifications, the latest first, the unseen
  ones marked; a button marks them seen (all, or one);
- ``/notifications/preferences``: per kind, immediate, daily digest, weekly digest or none;
- ``/notifications/unsubscribe/<token>``: the one-click unsubscribe of a mail (RFC 8058),
  without signing in: a POST (the mail program's, or the page's button) sets the mail's
  kinds to none; a tampered or expired link is refused and changes nothing.

What notifies whom is the application's (:mod:`application.notifications.kinds`); the
navigation shows how many are unseen (:func:`unseen_count`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from application.accounts import Account
from application.notifications import FREQUENCIES, Notifications
from domain.errors import DomainError
from web.form_data import WebForm
from web.forms import opts
from web.identity import signed_in
from web.notification_words import describe, label, link
from web.pages.common import (
    Outcome,
    Page,
    current_roles,
    form_errors,
    install,
    refusal,
    services,
    today,
)
from web.query import MAX_POSITION, QueryArgumentError, parse_int

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
install(bp)
bp.add_app_template_global(describe, "describe_notification")
bp.add_app_template_global(link, "notification_path")
bp.add_app_template_global(label, "notification_label")

FREQUENCY_LABELS = {
    "immediate": _l("immediately"), "daily": _l("daily digest"), "weekly": _l("weekly digest"), "none": _l("never by e-mail"),
}


def _notifications() -> Notifications:
    return services().notifications


def _account() -> Account | None:
    user = signed_in()
    return None if user is None else user.account


def unseen_count() -> int:
    """The count in the navigation (0 for the public, never an error on a page)."""
    cached = g.get("unseen_notifications")
    if isinstance(cached, int):
        return cached
    account = _account()
    count = 0
    if account is not None:
        try:
            n = _notifications()
            n.refresh(account, today(), roles=current_roles(), derived=False)
            count = n.unseen(account.id)
        except Exception:  # noqa: BLE001 - the navigation must not break a page
            count = 0
    g.unseen_notifications = count
    return count


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    return {"unseen_notifications": unseen_count}


def _signed_in_or_login() -> Account | Response:
    account = _account()
    if account is None:
        return redirect(url_for("signin.login", next=request.path))
    return account


@bp.get("")
def index() -> Page | Response:
    """My notifications, the latest first."""
    account = _signed_in_or_login()
    if isinstance(account, Response):
        return account
    n = _notifications()
    n.refresh(account, today(), roles=current_roles())
    rows = [{**r, "text": describe(r["kind"], r["details"]), "link": link(r["details"]), "label": label(r["kind"])} for r in n.of(account.id)]
    return render_template("notifications/index.html", rows=rows, unseen=sum(1 for r in rows if r["seen_at"] is None), form=WebForm())


@bp.post("/seen")
def seen() -> Page | Response:
    """Mark my notifications seen: one (``id``) or all."""
    account = _signed_in_or_login()
    if isinstance(account, Response):
        return account
    form = WebForm()
    if not form.validate_on_submit():
        abort(400)
    raw = request.form.get("id", "")
    try:
        ids = [parse_int("id", raw, 1, MAX_POSITION)] if raw else None  # none: every notification
    except QueryArgumentError:
        abort(400)
    _notifications().mark_seen(account.id, ids)
    return redirect(url_for("notifications.index"))


# ---------------------------------------------------------------------------- preferences
def preferences_form(choices: dict[str, str], formdata: Any = None) -> WebForm:
    """A form with one select per kind the person may be told of (``choices``: kind → frequency)."""
    from wtforms import SelectField

    class PreferencesForm(WebForm):
        pass

    options = opts((f, FREQUENCY_LABELS[f]) for f in FREQUENCIES)
    for kind, frequency in choices.items():
        setattr(PreferencesForm, kind, SelectField(label(kind), choices=options, default=frequency, validate_choice=False))
    return PreferencesForm(formdata=formdata)


def _preferences_page(form: WebForm, kinds: list[str], errors: dict[str, list[str]] | None = None, top: Outcome[Any] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("notifications/preferences.html", form=form, kinds=kinds, errors=errors or {}, top=top), status


@bp.get("/preferences")
def preferences() -> Page | Response:
    """How each kind reaches me."""
    account = _signed_in_or_login()
    if isinstance(account, Response):
        return account
    choices = _notifications().preferences(account.id, current_roles())
    return _preferences_page(preferences_form(choices), list(choices))


@bp.post("/preferences")
def save_preferences() -> Page | Response:
    """Save the frequency of each kind; a refused form comes back with every choice and error."""
    account = _signed_in_or_login()
    if isinstance(account, Response):
        return account
    kinds = list(_notifications().preferences(account.id, current_roles()))
    form = preferences_form(dict.fromkeys(kinds, ""), formdata=request.form)
    if not form.validate_on_submit():
        errs = form_errors(form)
        top = Outcome[Any](applied=False, status=400, message=_("The form expired or was damaged. What you chose is kept below: submit it again."))
        return _preferences_page(form, kinds, errs, top, 400)
    chosen = {k: str(getattr(form, k).data or "") for k in kinds}
    bad = {k: v for k, v in chosen.items() if v not in FREQUENCIES}
    if bad:
        top = refusal("unknown_frequency")
        return _preferences_page(form, kinds, dict.fromkeys(bad, [top.message]), top, 422)
    try:
        _notifications().set_preferences(account.id, chosen)
    except DomainError as e:
        top = refusal(e.code, e.field)
        return _preferences_page(form, kinds, {e.field or "": [top.message]}, top, 422)
    flash(_("Your choices are saved."), "ok")
    return redirect(url_for("notifications.preferences"))


# ---------------------------------------------------------------------------- one-click unsubscribe
def _unsubscribe_page(token: str, *, apply: bool) -> tuple[str, int]:
    unsubscribe = services().mailing.unsubscribe
    try:
        kinds = unsubscribe.apply(token) if apply else unsubscribe.read(token)[1]
    except DomainError as e:
        return render_template("notifications/unsubscribe.html", top=refusal(e.code, status=400), kinds=[], done=False), 400
    return render_template("notifications/unsubscribe.html", top=None, kinds=kinds, done=apply), 200


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> Page:
    """What the link stops, with a button (a GET changes nothing: link checkers open links)."""
    return _unsubscribe_page(token, apply=False)


@bp.post("/unsubscribe/<token>")
def unsubscribe_now(token: str) -> Page:
    """Stop the link's kinds (``List-Unsubscribe=One-Click``, or the page's button)."""
    return _unsubscribe_page(token, apply=True)
