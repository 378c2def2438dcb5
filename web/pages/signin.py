"""Pages: signing in and out, the second factor at sign-in, choosing a password through an
invitation or reset link, asking for a reset, and the demo accounts (demo mode only).

Refusals never tell whether an address has an account: a wrong password, an unknown
address and an account still waiting for its password all read "the e-mail address or the
password is not right"; a reset request always answers that a message is on its way if an
account has the address. The form keeps the address typed. Failed attempts are counted in
the database (:mod:`application.accounts.throttle`); past the limit the page answers 429
with the time to wait.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from application.accounts import ENROL, REFUSED, SECOND_FACTOR, THROTTLED, Account, LinkRefusedError
from application.demo import DEMO_DOMAIN
from application.mail import MailError
from domain.errors import DomainError
from projections import people as people_views
from projections import tables as table_views
from web.account_forms import (
    CodeForm,
    DemoSwitchForm,
    NewPasswordForm,
    ResetRequestForm,
    SignInForm,
)
from web.forms import TABLES
from web.i18n import COOKIE, COOKIE_MAX_AGE, refusal_words
from web.identity import address, device, end_session, signed_in, start_session
from web.pages.common import (
    Page,
    demo_mode,
    engine,
    form_errors,
    install,
    load_viewer,
    problems_by_field,
    services,
)
from web.query import same_site_path

bp = Blueprint("signin", __name__)
install(bp)

PENDING = "pending_sign_in"
PENDING_SECONDS = 600


def safe_next(target: str | None, default: str | None = None) -> str:
    """Only a path of this site (no scheme, no host, no control character) is followed
    after signing in (:func:`web.query.same_site_path`)."""
    return same_site_path(target) or default or url_for("me.index")


def too_many(seconds: int) -> tuple[str, int, dict[str, str]]:
    """The 429 page: how long to wait (also Flask-Limiter's, :mod:`web.limits`)."""
    return render_template("accounts/too_many.html", seconds=max(1, seconds)), 429, {"Retry-After": str(max(1, seconds))}


def _expired_form() -> str:
    return _("The form expired. Try again.")


def _signed_in_response(token: str, target: str) -> Response:
    """Start the browser's session and go on, in the account's language."""
    start_session(token)
    user = signed_in()
    response = redirect(target)
    if user is not None:
        response.set_cookie(COOKIE, user.account.language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                            secure=bool(services().config.secure_cookies))
    return response


# ---------------------------------------------------------------------------- password step
@bp.route("/login", methods=["GET", "POST"])
def login() -> Page | tuple[str, int, dict[str, str]]:
    """The sign-in form: ``email``, ``password`` (and ``csrf_token``)."""
    form = SignInForm()
    if request.method == "GET":
        if signed_in() is not None:
            return redirect(safe_next(request.args.get("next")))
        form.next.data = request.args.get("next", "")
        return render_template("accounts/login.html", form=form, errors={})
    if not form.validate_on_submit():
        errors = form_errors(form)
        if "csrf_token" in errors:
            return render_template("accounts/login.html", form=form, errors={}, refused=_expired_form()), 400
        return render_template("accounts/login.html", form=form, errors=errors), 422
    attempt = services().accounts.sign_in(form.email.data or "", form.password.data or "", address=address(), device=device())
    if attempt.outcome == THROTTLED:
        return too_many(attempt.retry_after)
    if attempt.outcome == REFUSED:
        return render_template("accounts/login.html", form=form, errors={}, refused=_("The e-mail address or the password is not right.")), 422
    target = safe_next(form.next.data)
    if attempt.outcome in (SECOND_FACTOR, ENROL):
        session.clear()
        session[PENDING] = {"account": attempt.account_id, "since": datetime.now(UTC).timestamp(), "next": target, "enrol": attempt.outcome == ENROL}
        return redirect(url_for("signin.enrol" if attempt.outcome == ENROL else "signin.code"))
    assert attempt.token
    return _signed_in_response(attempt.token, target)


def _pending() -> dict[str, Any] | None:
    p = session.get(PENDING)
    if not isinstance(p, dict) or datetime.now(UTC).timestamp() - float(p.get("since", 0)) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return p


def _start_again() -> Response:
    flash(_("Signing in takes a few minutes at most. Start again."), "info")
    return redirect(url_for("signin.login"))


# ---------------------------------------------------------------------------- second factor
@bp.route("/login/code", methods=["GET", "POST"])
def code() -> Page | tuple[str, int, dict[str, str]]:
    """The second step: ``code``, a TOTP code or a recovery code."""
    pending = _pending()
    if pending is None or pending.get("enrol"):
        return _start_again()
    form = CodeForm()
    if request.method == "GET":
        return render_template("accounts/code.html", form=form, errors={})
    if not form.validate_on_submit():
        errors = form_errors(form)
        status = 400 if "csrf_token" in errors else 422
        return render_template("accounts/code.html", form=form, errors=errors, refused=_expired_form() if status == 400 else None), status
    attempt = services().accounts.second_step(pending["account"], form.code.data or "", address=address(), device=device())
    if attempt.outcome == THROTTLED:
        return too_many(attempt.retry_after)
    if attempt.outcome == REFUSED:
        form.code.data = ""
        return render_template("accounts/code.html", form=form, errors={}, refused=_("This code is not right. Type the code your app shows now, or a recovery code.")), 422
    assert attempt.token
    return _signed_in_response(attempt.token, str(pending["next"]))


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol() -> Page:
    """First sign-in of an account that must use a second factor: add it to an
    authenticator app, confirm with a first code, keep the recovery codes."""
    pending = _pending()
    if pending is None or not pending.get("enrol"):
        return _start_again()
    accounts = services().accounts
    enrolment = accounts.begin_enrolment(pending["account"])
    form = CodeForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            codes, token = accounts.finish_enrolment(pending["account"], form.code.data or "", device=device())
        except DomainError as e:
            form.code.data = ""
            return render_template("accounts/enrol.html", form=form, enrolment=enrolment, errors={"code": [refusal_words(e)]}), 422
        start_session(token)
        return render_template("accounts/recovery_codes.html", codes=codes, next=str(pending["next"]))
    errors = form_errors(form) if request.method == "POST" else {}
    return render_template("accounts/enrol.html", form=form, enrolment=enrolment, errors=errors), (422 if errors else 200)


# ---------------------------------------------------------------------------- sign-out
@bp.post("/logout")
def logout() -> Page:
    """Sign out (a POST with its CSRF token): the server-side session ends."""
    from web.account_forms import ButtonForm

    if not ButtonForm().validate_on_submit():
        return render_template("common/error.html", code=400, message=_expired_form()), 400
    end_session()
    flash(_("You are signed out."), "ok")
    return redirect(url_for("board.board"))


# ---------------------------------------------------------------------------- links
@bp.route("/account/reset", methods=["GET", "POST"])
def reset_request() -> Page:
    """Ask for a reset link by e-mail; the answer is the same for every address."""
    form = ResetRequestForm()
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.validate_on_submit():
        try:
            services().accounts.request_reset(form.email.data or "")
        except MailError:  # the answer stays the same: it must not tell that the address has an account
            current_app.logger.warning("reset mail not sent: the mail server did not take it")
        except DomainError as e:  # not an address at all (invalid_email): the form comes back with the text
            errors = {"email": [refusal_words(e)]}
        if not errors:
            return render_template("accounts/reset_sent.html", link_days=7)
    elif request.method == "POST":
        errors = form_errors(form)
    return render_template("accounts/reset_request.html", form=form, errors=errors), (422 if errors else 200)


@bp.route("/account/<any(invitation, reset):purpose>/<token>", methods=["GET", "POST"])
def choose_password(purpose: str, token: str) -> Page:
    """Choose a password through an invitation or reset link (single use, 7 days)."""
    accounts = services().accounts
    try:
        account: Account = accounts.link_account(token, purpose)
    except LinkRefusedError:
        return render_template("accounts/link_invalid.html"), 410
    form = NewPasswordForm()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form.validate_on_submit()
        errors = form_errors(form)
        if "csrf_token" not in errors:  # every fault of the password at once, the application's
            errors = problems_by_field(errors, list(accounts.new_password_problems(account.id, form.password.data or "", confirm=form.confirm.data or "")), {})
    if request.method == "POST" and not errors:
        try:
            accounts.use_link(token, purpose, form.password.data or "")
        except LinkRefusedError:
            return render_template("accounts/link_invalid.html"), 410
        except DomainError as e:
            return render_template("accounts/choose_password.html", form=form, purpose=purpose, email=account.email,
                                   errors={"password": [refusal_words(e)]}), 422
        end_session()
        flash(_("Your password is set. Sign in with it."), "ok")
        response = make_response(redirect(url_for("signin.login")))
        response.set_cookie(COOKIE, account.language, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
        return response
    return render_template("accounts/choose_password.html", form=form, purpose=purpose, email=account.email, errors=errors), (422 if errors else 200)


# ---------------------------------------------------------------------------- demo mode
def demo_accounts() -> list[dict[str, Any]]:
    """The demo accounts to switch to: staff first, then participants by reference."""
    viewer = load_viewer()
    directory = people_views.directory(engine())
    tables: dict[str, list[str]] = {}
    for t in TABLES:
        for m in table_views.members(engine(), t):
            tables.setdefault(m["participant_id"], []).append(t)
    out = []
    for a in services().accounts.all():
        if not a.demo:
            continue
        entry = directory.get(a.participant_id or "") or {}
        label = a.email.split("@")[0] if a.email else a.id[:8]
        if entry:
            label = f"{entry['name']} · {entry['reference']}" if viewer.sees_names else str(entry["reference"])
        out.append({"id": a.id, "label": label, "tables": tables.get(a.participant_id or "", []), "staff": a.participant_id is None,
                    "current": a.id == viewer.account_id})
    return sorted(out, key=lambda x: (not x["staff"], x["label"]))


@bp.route("/demo", methods=["GET", "POST"])
def demo() -> Page:
    """Demo mode: the demo accounts, each a one-click button that signs in as it (without
    its password: demo mode and demo accounts only). 404 when demo mode is off."""
    if not demo_mode():
        abort(404)
    if request.method == "GET":
        return render_template("accounts/demo.html", accounts=demo_accounts(), domain=DEMO_DOMAIN, next=request.args.get("next", ""))
    form = DemoSwitchForm()
    if not form.validate_on_submit():
        return render_template("common/error.html", code=400, message=_expired_form()), 400
    try:
        token = services().accounts.demo_switch(form.account.data or "", device=device())
    except DomainError:
        abort(404)
    end_session()
    return _signed_in_response(token, safe_next(form.next.data, url_for("me.index")))


@bp.app_template_global()
def demo_account(role: str) -> str | None:
    """The id of the demo account of ``role`` (``secretariat``, ``auditor``), for the
    banner's one-click switch; None outside demo mode."""
    if not demo_mode():
        return None
    found = services().accounts.find(f"{role}@{DEMO_DOMAIN}")
    return found.id if found is not None and found.demo else None
