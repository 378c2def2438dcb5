"""Pages: my account (language, password, second factor, sessions, my data, erasure), the
secretariat's invitations, and the security log for auditors.

Every action here is on the signed-in person's own account; the application checks it
(:mod:`application.accounts`): a password change needs the current password and ends every
session (this browser signs in again at once with a new one), a second factor is turned off
only where no role requires it, a session is ended only by its holder.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from application.accounts import Account
from application.mail import MailError
from application.privacy import export_participant
from domain.errors import DomainError
from projections import people as people_views
from web.account_forms import (
    ButtonForm,
    ChangePasswordForm,
    CodeForm,
    ErasureForm,
    InviteForm,
    LanguageForm,
    PasswordCheckForm,
    RevokeTokenForm,
    SessionForm,
    TokenForm,
)
from web.forms import opts_by_name
from web.i18n import COOKIE, COOKIE_MAX_AGE, error_message, refusal_words
from web.identity import device, signed_in, start_session
from web.pages.common import (
    Page,
    engine,
    form_errors,
    install,
    load_viewer,
    problems_by_field,
    services,
)
from web.pages.confirm import confirmation_page, confirmed
from web.query import int_arg

bp = Blueprint("account", __name__)
install(bp)


def _me() -> tuple[Any, Account]:
    user = signed_in()
    if user is None:
        abort(401)
    return user, user.account


def _page(status: int = 200, **extra: Any) -> tuple[str, int]:
    """The account page, with what a refused form brings back (``forms``, ``errors``)."""
    user, account = _me()
    accounts = services().accounts
    forms: dict[str, Any] = {
        "language": LanguageForm(prefix="lang", language=account.language), "password": ChangePasswordForm(prefix="pw"),
        "codes": PasswordCheckForm(prefix="codes"), "off": PasswordCheckForm(prefix="off"), "erasure": ErasureForm(prefix="erase"),
        "button": ButtonForm(prefix="others"), "token": TokenForm(prefix="token", formdata=None),
    }
    forms.update(extra.pop("forms", {}))
    return render_template(
        "accounts/account.html", account=account, forms=forms, errors=extra.pop("errors", {}), refused=extra.pop("refused", None),
        sessions=accounts.sessions(account.id), current_session=user.session_id,
        required=accounts.second_factor_required(account), codes_left=accounts.recovery_codes_left(account.id) if account.second_factor else 0,
        log=accounts.log.entries(account.id, limit=20), tokens=accounts.tokens(account.id), now=accounts.now(), **extra,
    ), status


@bp.get("/account")
def index() -> tuple[str, int]:
    return _page()


@bp.post("/account/language")
def language() -> Page:
    account = _me()[1]
    form = LanguageForm(prefix="lang")
    if not form.validate_on_submit():
        return _page(422, forms={"language": form}, errors={"language": form_errors(form)})
    services().accounts.set_language(account.id, form.language.data or "es")
    response = redirect(url_for("account.index"))
    response.set_cookie(COOKIE, form.language.data or "es", max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=bool(services().config.secure_cookies))
    flash(_("Your language is saved."), "ok")
    return response


@bp.post("/account/password")
def password() -> Page:
    """Change the password: every session ends, this browser gets a new one."""
    account = _me()[1]
    form = ChangePasswordForm(prefix="pw")
    form.validate_on_submit()
    accounts = services().accounts
    errs = form_errors(form)
    if "csrf_token" not in errs:  # every fault of the password at once, the application's
        errs = problems_by_field(errs, list(accounts.new_password_problems(
            account.id, form.password.data or "", current=form.current_password.data or "", confirm=form.confirm.data or "")), {})
    if errs:
        return _page(422, forms={"password": form}, errors={"password": errs})
    try:
        accounts.set_password(account.id, form.password.data or "", current=form.current_password.data or "")
    except DomainError as e:
        field = "current_password" if e.code == "wrong_password" else "password"
        return _page(422, forms={"password": form}, errors={"password": {field: [refusal_words(e)]}})
    start_session(accounts.start_session(account.id, device()))
    flash(_("Your password is changed. Every other browser signed in with your account is signed out."), "ok")
    return redirect(url_for("account.index"))


@bp.route("/account/second-factor", methods=["GET", "POST"])
def second_factor() -> Page:
    """Turn the second factor on (optional for members): scan, confirm, keep the codes."""
    account = _me()[1]
    accounts = services().accounts
    if account.second_factor:
        return redirect(url_for("account.index"))
    enrolment = accounts.begin_enrolment(account.id)
    form = CodeForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            codes = accounts.confirm_enrolment(account.id, form.code.data or "")
        except DomainError as e:
            return render_template("accounts/enrol.html", form=form, enrolment=enrolment, action=url_for("account.second_factor"),
                                   errors={"code": [refusal_words(e)]}), 422
        return render_template("accounts/recovery_codes.html", codes=codes, next=url_for("account.index"))
    errors = form_errors(form) if request.method == "POST" else {}
    return render_template("accounts/enrol.html", form=form, enrolment=enrolment, action=url_for("account.second_factor"), errors=errors), (422 if errors else 200)


@bp.post("/account/second-factor/off")
def second_factor_off() -> Page:
    return _with_password("off")


@bp.post("/account/recovery-codes")
def recovery_codes() -> Page:
    return _with_password("codes")


def _with_password(what: str) -> Page:
    account = _me()[1]
    form = PasswordCheckForm(prefix=what)
    if not form.validate_on_submit():
        return _page(422, forms={what: form}, errors={what: form_errors(form)})
    accounts = services().accounts
    try:
        if what == "off":
            accounts.disable_second_factor(account.id, form.password.data or "")
        else:
            codes = accounts.renew_recovery_codes(account.id, form.password.data or "")
            return render_template("accounts/recovery_codes.html", codes=codes, next=url_for("account.index"))
    except DomainError as e:
        return _page(422, forms={what: form}, errors={what: {"password": [refusal_words(e)]}})
    flash(_("The second factor is off."), "ok")
    return redirect(url_for("account.index"))


@bp.post("/account/sessions/end")
def end_one() -> Page:
    """End one of my other sessions (from the list)."""
    account = _me()[1]
    form = SessionForm()
    if form.validate_on_submit() and services().accounts.end_session_of(account.id, form.session.data or ""):
        flash(_("That session is ended."), "ok")
    return redirect(url_for("account.index") + "#sessions")


@bp.post("/account/sessions/end-others")
def end_others() -> Page:
    user, account = _me()
    if ButtonForm(prefix="others").validate_on_submit():
        n = services().accounts.end_other_sessions(account.id, user.session_id)
        flash(_("%(n)s other sessions ended.", n=n), "ok")
    return redirect(url_for("account.index") + "#sessions")


@bp.post("/account/tokens")
def create_token() -> Page:
    """Create a personal access token for the JSON API: shown once, on the page answering."""
    account = _me()[1]
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _page(422, forms={"token": form}, errors={"token": form_errors(form)})
    try:
        info, secret = services().accounts.create_token(account.id, form.name.data or "", form.scope.data or "", form.days.data)
    except DomainError as e:
        field = e.field if e.field in ("name", "scope", "days") else "name"
        return _page(422, forms={"token": form}, errors={"token": {field: [refusal_words(e)]}})
    return _page(201, new_token={"secret": secret, "info": info})


@bp.post("/account/tokens/revoke")
def revoke_token() -> Page:
    """Revoke one of my tokens (at once, for good)."""
    account = _me()[1]
    form = RevokeTokenForm()
    if form.validate_on_submit():
        try:
            services().accounts.revoke_token(account.id, form.token.data or "")
        except DomainError:
            pass  # not mine, or already revoked: nothing to do
        else:
            flash(_("The token is revoked."), "ok")
    return redirect(url_for("account.index") + "#tokens")


@bp.get("/account/data.json")
def my_data() -> Response:
    """Download my data: the right of access (everything the service holds about me)."""
    account = _me()[1]
    s = services()
    data: dict[str, Any] = {
        "account": {"id": account.id, "kind": account.kind, "email": account.email, "language": account.language,
                    "created_at": account.created_at.isoformat(), "second_factor": account.second_factor,
                    "sessions": [{"created_at": x.created_at.isoformat(), "last_seen_at": x.last_seen_at.isoformat(), "device": x.device}
                                 for x in s.accounts.sessions(account.id)],
                    "security_log": [{"at": e["at"].isoformat(), "event": e["event"], "detail": e["detail"]}
                                     for e in s.accounts.log.entries(account.id, limit=1000)]},
        "notifications": s.notifications.export(account.id),
    }
    record = s.app.access_record()
    data["grants"] = [dict(g, granted_on=str(g["granted_on"]), revoked_on=str(g["revoked_on"]) if g["revoked_on"] else None)
                      for g in (record.history() if record else []) if g["account"] == account.id]
    if account.participant_id:
        if s.config.inline_projection:
            s.projector.catch_up()
        data["participant"] = export_participant(s.app, engine(), account.participant_id)  # type: ignore[arg-type]
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, mimetype="application/json", headers={"Content-Disposition": "attachment; filename=my-data.json"})


@bp.post("/account/erasure")
def erasure() -> Page:
    """Ask for the erasure of my personal data (the secretariat sees the request)."""
    account = _me()[1]
    form = ErasureForm(prefix="erase")
    if not form.validate_on_submit():
        return _page(422, forms={"erasure": form}, errors={"erasure": form_errors(form)})
    if not confirmed():
        return confirmation_page(
            title=_("Ask for the erasure of your personal data?"),
            consequences=[
                _("The secretariat sees your request, and an administrator erases your personal data: your name, "
                  "your e-mail address, your details and your account."),
                _("Your Liaison Table seat, if you hold one, is vacated; you can no longer sign in or take part under this account."),
                _("What you wrote for the mechanism (proposals, amendments, positions) stays, without your name."),
                _("An erasure cannot be undone."),
            ],
            action=url_for("account.erasure"), back=url_for("account.index"), button=_("Yes, ask for the erasure"),
        )
    services().accounts.request_erasure(account.id)
    flash(_("Your request is recorded. The secretariat will erase your personal data and tell you when it is done."), "ok")
    return redirect(url_for("account.index"))


# ---------------------------------------------------------------------------- the secretariat
@bp.route("/account/invite", methods=["GET", "POST"])
def invite() -> Page:
    """The secretariat invites a participant by e-mail (a link to choose a password)."""
    user, account = _me()
    viewer = load_viewer()
    if not (viewer.is_secretariat or viewer.is_administrator):
        return render_template("common/error.html", code=403, message=error_message("secretariat_only", "NotAllowedError", "")), 403
    accounts = services().accounts
    with_password = {a.participant_id for a in accounts.all() if a.participant_id and a.has_password}
    people = [p for p in people_views.participants(engine()) if not p["erased"] and p["id"] not in with_password]
    form = InviteForm()
    form.participant.choices = opts_by_name((p["id"], f"{p['name']} · {p['reference']}") for p in people)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                invited = accounts.invite(form.participant.data or "", form.email.data or "", by=account.id)
            except DomainError as e:
                field = e.field if e.field in ("participant", "email") else "email"
                errors = {field: [refusal_words(e)]}
            except MailError:
                current_app.logger.warning("invitation not sent: the mail server did not take it")
                errors = {"email": [_("The mail server did not take the invitation. Try again later; nothing else is needed.")]}
            else:
                flash(_("The invitation is sent to %(email)s.", email=invited.email), "ok")
                return redirect(url_for("account.invite"))
        else:
            errors = form_errors(form)
    invited_list = [a for a in accounts.all() if a.participant_id and not a.has_password]
    return render_template("accounts/invite.html", form=form, errors=errors, pending=invited_list,
                           directory=people_views.directory(engine())), (422 if errors else 200)


@bp.get("/account/security-log")
def security_log() -> Page:
    """Every entry of the security log (auditors)."""
    _me()
    if not load_viewer().is_auditor:
        return render_template("common/error.html", code=403, message=error_message("not_allowed", "NotAllowedError", "")), 403
    entries = services().accounts.log.entries(limit=100, before_id=int_arg("before", low=1))
    return render_template("accounts/security_log.html", entries=entries), 200


@bp.errorhandler(401)
def _sign_in_first(_e: Any) -> BaseResponse:
    return redirect(url_for("signin.login", next=request.path))
