"""Request limits (Flask-Limiter): per network address for every request, and per account
(or address, for the public) for every form sent, so that nobody floods the service: a member
who sends 100 drafts in two seconds is slowed down. Counts live in memory by default, or in
the storage named by ``DIALOGUE_RATELIMIT_STORAGE_URL`` (for example ``redis://…``) so that
every web worker counts together. Failed sign-ins are counted in the database instead
(:mod:`application.accounts.throttle`). Past a limit the page answers 429 with the time to
wait (``Retry-After``).
"""

from __future__ import annotations

import functools
import math
import sys
import time
from typing import Any

from flask import Blueprint, Flask, current_app, make_response, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from wtforms.fields.core import UnboundField

from web.identity import address, current_identity

READS = "600 per minute"
WRITES = "15 per 10 seconds;120 per hour"


class SweptMemoryStorage(MemoryStorage):
    """The ``limits`` library's memory storage without its thread per request: the library
    starts a timer thread to sweep expired counts whenever the last one has ended (so on
    nearly every request of a page seen now and then), which costs a thread start and, on a
    busy machine, a wait for the scheduler. Here the sweep runs in the request itself, at
    most once a second; an expired count is still never read (``get`` checks the expiry)."""

    STORAGE_SCHEME = ["dialogue-memory"]
    SWEEP_EVERY = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - replaces the library's private method
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def storage_uri(configured: str) -> str:
    """The limiter's storage: counts in this process's memory swept without threads
    (:class:`SweptMemoryStorage`) for ``memory://``, else the storage configured."""
    return "dialogue-memory://" if configured == "memory://" else configured


def by_address() -> str:
    return f"address:{address()}"


def by_account() -> str:
    """The acting account (signed in, or the owner of the API's token), or the network
    address for the public."""
    identity = current_identity()
    return f"account:{identity.account_id}" if identity.account_id else by_address()


def init_app(app: Flask, write_blueprints: tuple[Blueprint, ...], exempt: tuple[Blueprint, ...]) -> Limiter:
    """Install the limits on ``app``: every request counts per address; every POST of
    ``write_blueprints`` counts per account in one shared scope; ``exempt`` (health probes)
    are never limited."""
    config: Any = app.config["DIALOGUE"]
    limiter = Limiter(
        by_address, app=app, application_limits=[READS], storage_uri=storage_uri(config.ratelimit_storage_url), headers_enabled=True,
        key_prefix="dialogue",
    )
    writes = limiter.shared_limit(WRITES, scope="writes", key_func=by_account, methods=["POST"])
    for bp in write_blueprints:
        writes(bp)
    # The API's writes count in the same scope; the limiter is kept with it (its limits hold
    # it only weakly).
    app.extensions["dialogue_writes_limit"] = writes
    app.extensions["dialogue_limiter"] = limiter
    for bp in exempt:
        limiter.exempt(bp)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(e: RateLimitExceeded) -> Any:
        from web.pages.signin import too_many

        limit = getattr(e, "limit", None)
        current = limiter.current_limit  # the limit passed, with the end of its window
        if current is not None:
            seconds = _seconds_until(current.reset_at)
        else:
            seconds = max(1, int(limit.limit.get_expiry()) if limit is not None else 10)
        if request.path.startswith("/api/"):
            from web.api.errors import error_response

            return error_response(429, "too_many_requests", f"Too many requests: wait {seconds} seconds.", headers={"Retry-After": str(seconds)})
        if request.method == "POST":
            return too_many_sent(seconds)
        return too_many(seconds)

    return limiter


HIDDEN_FIELDS = ("csrf_token", "command_id", "expected_version", "next", "confirm")


def typed_texts() -> list[tuple[str, str]]:
    """What the person typed in the refused form (not its hidden fields, passwords or codes),
    to be shown back so that nothing is lost: each text under its field's label
    (:func:`field_label`)."""
    return [(field_label(k), v) for k, v in request.form.items(multi=True)
            if v.strip() and not k.endswith(HIDDEN_FIELDS) and "password" not in k and not k.endswith("code")]


def _form_classes(module: Any) -> list[type]:
    from web.form_data import WebForm

    return [c for c in vars(module).values() if isinstance(c, type) and issubclass(c, WebForm)] if module else []


def _every_form_class() -> list[type]:
    from web.form_data import WebForm

    found, todo = [], list(WebForm.__subclasses__())
    while todo:
        c = todo.pop()
        found.append(c)
        todo.extend(c.__subclasses__())
    return found


def _label_in(forms: list[type], name: str) -> Any:
    for form in forms:
        unbound = getattr(form, name, None)
        if isinstance(unbound, UnboundField):
            label = unbound.args[0] if unbound.args else unbound.kwargs.get("label")
            if label:
                return label
    return None


def field_label(key: str) -> str:
    """The label, in the reader's language, of the form field sent as ``key`` (``text``, or
    ``in-text`` and ``m-1a2b3c4d-value`` for a prefixed form's): as the form of the page that
    refused it names it (the forms of its view's module first, then every web form); the key
    itself when no form names it."""
    name = key.rsplit("-", 1)[-1]
    view = current_app.view_functions.get(request.endpoint or "")
    module = sys.modules.get(getattr(view, "__module__", "")) if view is not None else None
    label = _label_in(_closest_first(_form_classes(module)), name) or _label_in(_closest_first(_every_form_class()), name)
    return str(label) if label else key


def _closest_first(forms: list[type]) -> list[type]:
    """``forms`` with those having the most of the fields sent first (of two forms of one page
    with a field ``text``, the one that also has the other fields sent), else in their order."""
    sent = {k.rsplit("-", 1)[-1] for k in request.form}
    return sorted(forms, key=lambda form: -sum(isinstance(getattr(form, name, None), UnboundField) for name in sent))


def too_many_sent(seconds: int) -> tuple[str, int, dict[str, str]]:
    """The 429 page of a form sent past the limit of submissions: how long to wait, the text
    typed (nothing was stored) and a link back to the page holding the form."""
    from flask import render_template

    from web.pages.errors import page_above

    back = page_above(request.path)
    body = render_template("common/too_many_sent.html", seconds=seconds, texts=typed_texts(),
                           back=(request.script_root + back) if back else None)
    return body, 429, {"Retry-After": str(seconds)}


def accepted(response: Any) -> bool:
    """Whether a form was taken (answered by a redirect or a page, not refused)."""
    return int(response.status_code) < 400


def refused(response: Any) -> bool:
    """Whether a form was refused (a 4xx answer other than the limit's own 429)."""
    return 400 <= int(response.status_code) < 500 and response.status_code != 429


def limit_per_address(app: Flask, limiter: Limiter, endpoint: str, taken: str, refusals: str) -> None:
    """Count the POSTs of ``endpoint`` per network address as well (the input form of an open
    call and the request to join a table, which anyone may send: issue 17, "Anti-abuse"):
    those taken under ``taken``, those refused under ``refusals``, so that people behind one
    address (a shelter, a mobile carrier) who correct their typos are never stopped by the
    count of what they sent right, and robots sending refused forms in a loop are still
    slowed down. A form counts under ``taken`` as it arrives (one atomic step of the storage
    that also checks the limit, so that forms sent at the same moment cannot all pass), and
    its count is given back when it is refused (:func:`_count_taken`)."""
    app.view_functions[endpoint] = _count_taken(limiter, app.view_functions[endpoint], parse_many(taken), parse_many(refusals))


def _seconds_until(reset_at: float) -> int:
    """The whole seconds from now until a window ends at ``reset_at`` (at least one): what a
    refused sender waits, not the window's whole length."""
    return max(1, math.ceil(reset_at - time.time()))


def _seconds_left(strategy: Any, item: RateLimitItem, *identifiers: str) -> int:
    """:func:`_seconds_until` the end of ``item``'s window for ``identifiers``."""
    return _seconds_until(strategy.get_window_stats(item, *identifiers).reset_time)


def _count_taken(limiter: Limiter, view: Any, items: list[RateLimitItem], refusals: list[RateLimitItem]) -> Any:
    """``view`` whose POSTs count per address under ``items`` on arrival: past one of them the
    form is answered 429 (nothing stored) and its counts given back; a form refused by the view
    (4xx) gives its counts back too, so that only the forms taken stay counted. A refused form
    counts instead under ``refusals``, after the view (so that a form sent right is never
    stopped by the typos sent before it from the same address), in one atomic step of the
    storage: past one of them it is answered 429 (what was typed kept) instead of its refusal."""

    @functools.wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or not limiter.enabled:
            return view(*args, **kwargs)
        strategy: Any = limiter.limiter
        key = by_address()
        counted_items: list[RateLimitItem] = []
        for item in items:
            counted_items.append(item)
            if not strategy.hit(item, "dialogue", "taken", key):
                _give_back(strategy, counted_items, key)
                return too_many_sent(_seconds_left(strategy, item, "dialogue", "taken", key))
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            _give_back(strategy, counted_items, key)
            raise
        if not accepted(response):
            _give_back(strategy, counted_items, key)
        if refused(response):
            for item in refusals:
                if not strategy.hit(item, "dialogue", "refused", key):
                    return too_many_sent(_seconds_left(strategy, item, "dialogue", "refused", key))
        return response

    return counted


def _give_back(strategy: Any, items: list[RateLimitItem], key: str) -> None:
    """Undo one count of each of ``items`` for ``key`` (fixed windows: the count of the window)."""
    storage = strategy.storage
    for item in items:
        if hasattr(storage, "decr"):
            storage.decr(item.key_for("dialogue", "taken", key))
        else:
            storage.incr(item.key_for("dialogue", "taken", key), item.get_expiry(), amount=-1)
