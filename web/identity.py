"""Who is this request: the one resolver every page (and later the API) asks.

Sign-in uses Flask-Login. What the browser keeps (in the signed Flask session cookie) is the
token of a server-side sign-in session (``dialogue_sign_ins``, :mod:`application.accounts.signin`),
never an account id: each request reads the session row, so a session ended on the server
(sign-out, a password change, "end my other sessions") is worth nothing, whatever cookie a
browser or a thief still holds.

For every request the identity is bound to the application (:func:`application.roles.bind`),
so every command a page runs is checked against the signed-in person (their roles that day);
a visitor without a session is bound as the anonymous identity, which runs no command.

Cookies are ``HttpOnly`` and ``SameSite=Lax``, and ``Secure`` when ``DIALOGUE_PUBLIC_URL`` is
https. Responses to signed-in people carry ``Cache-Control: no-store`` (their pages show
names and their own data), as do the sign-in and account pages for everyone.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Flask, Response, g, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from application.accounts import Account, TokenInfo
from application.roles import ANONYMOUS, Identity, bind, unbind
from web.positions import CACHED_ON_G
from web.services import services

login_manager = LoginManager()
NO_STORE_PREFIXES = ("/login", "/logout", "/account", "/me", "/demo")


class SignedIn(UserMixin):
    """The signed-in person of a request: their account and sign-in session."""

    def __init__(self, token: str, session_id: str, account: Account) -> None:
        self.token = token
        self.session_id = session_id
        self.account = account

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: the session token, not the account id."""
        return self.token

    @property
    def identity(self) -> Identity:
        return Identity(account_id=self.account.id, participant_id=self.account.participant_id, demo=self.account.demo)


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    accounts = services().accounts
    found = accounts.session_account(token)
    if found is None:
        return None
    account = accounts.get(found[0])
    return None if account is None else SignedIn(token, found[1], account)


def signed_in() -> SignedIn | None:
    """The signed-in person, or None (never touches the database without a session cookie)."""
    if "_user_id" not in session:
        return None
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return user if isinstance(user, SignedIn) else None


def bearer_token() -> str | None:
    """The personal access token an API request carries (``Authorization: Bearer …``), or
    None without an ``Authorization`` header (pages never read one). Any other header
    (another scheme such as ``Token`` or ``Basic``, a bare token, ``Bearer`` with nothing
    after it) is ``""``, a token that names no one: the API answers it 401, never the
    public's answer (docs/api.md)."""
    if not request.path.startswith("/api/"):
        return None
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def current_token() -> TokenInfo | None:
    """The live personal access token this request authenticated with, or None."""
    current_identity()
    token = g.get("api_token")
    return token if isinstance(token, TokenInfo) else None


def _token_identity(secret: str) -> Identity:
    """The identity of a personal access token: its owner, or the anonymous one for an
    unknown, revoked or expired token (``g.api_token_refused``: the API answers 401)."""
    if not secret:
        g.api_token_refused = True
        return ANONYMOUS
    accounts = services().accounts
    token = accounts.token_account(secret)
    account = accounts.get(token.account_id) if token is not None else None
    if token is None or account is None:
        g.api_token_refused = True
        return ANONYMOUS
    g.api_token = token
    return Identity(account_id=account.id, participant_id=account.participant_id, demo=account.demo)


def current_identity() -> Identity:
    """The identity of this request: the owner of its personal access token on the API,
    else the signed-in person (the anonymous one without a live session)."""
    cached = g.get("identity")
    if isinstance(cached, Identity):
        return cached
    secret = bearer_token()
    if secret is not None:
        identity = _token_identity(secret)
    else:
        user = signed_in()
        identity = user.identity if user is not None else ANONYMOUS
    g.identity = identity
    return identity


def current_account() -> Account | None:
    user = signed_in()
    return None if user is None else user.account


def start_session(token: str) -> None:
    """Sign the browser in with a new server-side session's ``token``. The Flask session is
    cleared first: nothing kept before sign-in (a pending step, a demo choice) survives, and
    the cookie's content is new."""
    session.clear()
    user = _load(token)
    assert user is not None
    _forget()
    login_user(user)


def end_session(why: str = "signed_out") -> None:
    """Sign out: the server-side session ends, then the browser's."""
    user = signed_in()
    if user is not None:
        services().accounts.end_session(user.token, why)
    logout_user()
    session.clear()
    _forget()


def device() -> str:
    """A short description of the browser, shown in the person's list of sessions."""
    return (request.user_agent.string or "")[:120]


def address() -> str:
    """The network address of the request (after the configured proxies)."""
    return request.remote_addr or "unknown"


PER_REQUEST = ("_login_user", "identity", "roles", "viewer", "waiting", "api_token", "api_token_refused", *CACHED_ON_G)  # Flask-Login caches its user as _login_user


def _forget() -> None:
    """Drop what was cached for a request (``g`` outlives a request when an app context was
    pushed around several, as in tests and scripts)."""
    for cached in PER_REQUEST:
        g.pop(cached, None)


def _bind() -> None:
    _forget()
    g.identity_token = bind(current_identity())


def _unbind(_error: BaseException | None = None) -> None:
    token = g.pop("identity_token", None)
    if token is not None:
        with contextlib.suppress(ValueError):  # bound in another context: the next request binds its own
            unbind(token)


def _no_store(response: Response) -> Response:
    if request.path.startswith(NO_STORE_PREFIXES) or "_user_id" in session:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Install Flask-Login, the identity binding and the cookie settings."""
    config: Any = app.config["DIALOGUE"]
    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side row is the session
    login_manager.login_view = "signin.login"
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    if config.secure_cookies:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.before_request(_bind)
    app.teardown_request(_unbind)
    app.after_request(_no_store)
