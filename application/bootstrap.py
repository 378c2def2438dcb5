"""The composition root: wires configuration into an application, its key store and its views.

Everything is created here, once per process (after a fork under gunicorn), and passed
down; nothing is created at import time.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from eventsourcing.persistence import Notification
from sqlalchemy.orm import Session

import projections
from application.accounts import Accounts
from application.clock import Clock, FixedClock, clock_from_config
from application.mail import Composer, mailer_from_url
from application.notifications import Notifications
from application.notifications.mailing import Mailing
from application.persistence import (
    KeyStore,
    get_engine,
    parse_master_key,
    read_master_key_file,
)
from application.schema import own_tables_state, upgrade_own_tables
from application.service import DialogueApplication
from application.tlog.store import build_tree
from projections import deadlines
from projections.deadlines import OpenRoundsView
from projections.runner import ViewProjector
from projections.versions import not_ready
from projections.versions import upgrade as upgrade_views

log = logging.getLogger(__name__)


@dataclass
class Config:
    """The service's configuration (environment variables ``DIALOGUE_*``)."""

    database_url: str
    views_url: str | None = None
    master_key: str | None = None
    master_key_file: str | None = None
    clock: str | None = None
    timezone: str = "UTC"
    create_tables: bool = True
    inline_projection: bool = True
    max_projection_lag: int = 1000
    demo_mode: bool = False
    demo_on_postgres: bool = False
    allow_debug: bool = False
    smtp_url: str | None = None
    mail_from: str | None = None
    public_url: str = "http://127.0.0.1:5000"
    ratelimit_storage_url: str = "memory://"
    trusted_proxies: int = 0
    log_origin: str = ""
    page_cache: bool = True

    @classmethod
    def from_env(cls, default_database_url: str, env: dict[str, str] | None = None) -> Config:
        e = dict(os.environ if env is None else env)
        return cls(
            database_url=e.get("DIALOGUE_DATABASE_URL") or default_database_url,
            views_url=e.get("DIALOGUE_VIEWS_URL") or None,
            master_key=e.get("DIALOGUE_MASTER_KEY") or None,
            master_key_file=e.get("DIALOGUE_MASTER_KEY_FILE") or None,
            clock=e.get("DIALOGUE_CLOCK") or None,
            timezone=e.get("DIALOGUE_TIMEZONE") or "UTC",
            create_tables=(e.get("DIALOGUE_CREATE_TABLES", "yes").lower() not in ("0", "no", "false")),
            inline_projection=(e.get("DIALOGUE_INLINE_PROJECTION", "yes").lower() not in ("0", "no", "false")),
            max_projection_lag=_int(e.get("DIALOGUE_MAX_PROJECTION_LAG"), "DIALOGUE_MAX_PROJECTION_LAG", 1000),
            # Demo mode: demo accounts (invented people) switched in one click, without a
            # second factor. Only for demonstrations; off unless asked for.
            demo_mode=(e.get("DIALOGUE_DEMO_MODE", "no").lower() in ("1", "yes", "true")),
            demo_on_postgres=(e.get("DIALOGUE_DEMO_ON_POSTGRES", "").lower() == "yes"),
            # Flask's debug mode serves Werkzeug's interactive debugger: code typed in a browser.
            allow_debug=(e.get("DIALOGUE_ALLOW_DEBUG", "").lower() == "yes"),
            smtp_url=e.get("DIALOGUE_SMTP_URL") or None,
            mail_from=e.get("DIALOGUE_MAIL_FROM") or None,
            public_url=(e.get("DIALOGUE_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            ratelimit_storage_url=e.get("DIALOGUE_RATELIMIT_STORAGE_URL") or "memory://",
            trusted_proxies=_int(e.get("DIALOGUE_TRUSTED_PROXIES"), "DIALOGUE_TRUSTED_PROXIES", 0),
            log_origin=e.get("DIALOGUE_LOG_ORIGIN") or "",
            # The public pages kept in memory for anonymous readers (web/page_cache.py).
            page_cache=(e.get("DIALOGUE_PAGE_CACHE", "on").lower() not in ("0", "no", "false", "off")),
        )

    @property
    def origin(self) -> str:
        """The transparency log's origin (``DIALOGUE_LOG_ORIGIN``; by default the public
        address's host and ``/log``): the first line of its checkpoints and its key's name."""
        if self.log_origin:
            return self.log_origin
        return (urlsplit(self.public_url).netloc or "localhost") + "/log"

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` when the public URL is https."""
        return self.public_url.lower().startswith("https://")

    def read_master_key(self) -> bytes:
        """The master key from ``DIALOGUE_MASTER_KEY`` or the file ``DIALOGUE_MASTER_KEY_FILE``.

        Raises:
            MasterKeyError: missing, unreadable, a file other users may read, or malformed.
        """
        if not self.master_key and self.master_key_file:
            return read_master_key_file(Path(self.master_key_file))
        return parse_master_key(self.master_key)


def _int(raw: str | None, name: str, default: int) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as e:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from e


@dataclass
class Services:
    """What a process needs: the application and the read models it keeps up to date."""

    config: Config
    app: DialogueApplication
    projector: ViewProjector
    keys: KeyStore
    accounts: Accounts
    # What starting did to the database (migrations, views built), one line each.
    upgrades: list[str] = field(default_factory=list)
    # Whether this thread's save that stored ``position`` wrote the views in its own
    # transaction (the inline projection; committed with the events): then they stand there.
    written_with_events: Callable[[int], bool] = field(default=lambda position: False)

    @cached_property
    def notifications(self) -> Notifications:
        """Each account's notifications and preferences (issue 18)."""
        return Notifications(self.app, self.projector.engine, self.accounts)

    @cached_property
    def mailing(self) -> Mailing:
        """The notifications' e-mail and its unsubscribe links (issue 18)."""
        return Mailing(self.notifications)

    def refresh_views(self) -> int:
        """Bring the views up to date now (SQLite and single-process mode)."""
        return self.projector.catch_up()

    def wait_for_views(self, position: int | None = None, timeout: float = 5.0) -> bool:
        """Read-your-writes: return once the views reached ``position`` (default: the last
        position this thread wrote), or False after ``timeout`` seconds.

        With the inline projection (one process, SQLite demo) the views are brought up to
        date here. On SQLite with a separate projection worker too: SQLite has no
        notifications, and the worker polls, so the process that wrote applies the log up
        to its write itself (the tracking rows' lock keeps every event applied once, by
        whichever process comes first); a request costs its own work, not a poll interval.
        On PostgreSQL the worker is woken by LISTEN/NOTIFY and this only waits, bounded.
        """
        target = self.app.last_position if position is None else position
        if self.config.inline_projection:
            if self.written_with_events(target):
                return True  # nothing to read: the views were committed with the events
            self.projector.catch_up()
            return self.projector.position() >= target
        if self._log_on_sqlite():
            # The command is stored: a view that cannot apply it must not turn the request
            # into an error (the page shows the views as they are; /readyz reports it).
            try:
                return self.projector.reach(target, timeout=timeout)
            except Exception:
                log.exception("views stopped at position %s", self.projector.failure[0] if self.projector.failure else "?")
                return False
        # The worker applies a command's events within milliseconds of its notification: the
        # position is read often at first, then less (a doubling wait from 20 ms made a
        # request wait 60 or 140 ms for views that were ready after 25).
        deadline = time.monotonic() + timeout
        delay = 0.002
        while self.projector.position() < target:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 1.5, 0.02)
        return True

    def _log_on_sqlite(self) -> bool:
        engine = getattr(getattr(self.projector.source, "datastore", None), "engine", None)
        return engine is not None and engine.dialect.name == "sqlite"


_ahead_logged: list[bool] = []  # the warning about a database ahead of the code, once per process


def behind_the_code(config: Config) -> list[str]:
    """What of the database is not at this release's shape (empty when it can serve): the
    project's own tables behind the code's migration head, each view not at the code's
    version (``proposals.v2 (missing)``). ``dialogue db upgrade`` brings them to it. Own
    tables at a revision the code's scripts do not know are ahead of it, not behind (a newer
    release upgraded them): they are served as they are, with a warning logged once.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot be reached.
    """
    state = own_tables_state(get_engine(config.database_url))
    if state == "ahead" and not _ahead_logged:
        _ahead_logged.append(True)
        log.warning("The database's own tables are at a revision this release does not know (a newer release upgraded them): "
                    "served as they are; `dialogue db upgrade` cannot apply to them.")
    behind = ["the project's own tables"] if state == "behind" else []
    return behind + not_ready(get_engine(config.views_url or config.database_url), projections.PROJECTIONS)


def bootstrap(config: Config, *, clock: Clock | None = None, check_key: bool = True, composer: Composer | None = None) -> Services:
    """Build the services for ``config``; ``composer`` gives the words of e-mails (the web
    layer's templates; plain English without it).

    With ``config.create_tables`` (one process, ``dialogue db upgrade``) the database is first
    brought to the code's shape: the project's own tables by their migrations
    (:mod:`application.schema`), the library's events table, and every view at the code's
    version (:mod:`projections.versions`; ``Services.upgrades`` says what was done).

    With ``check_key`` the master key must open the database's key-check record when
    one exists (``dialogue db init`` writes it).

    Raises:
        MasterKeyError: the master key is missing, malformed or wrong.
    """
    engine = get_engine(config.database_url)
    upgrades: list[str] = []
    if config.create_tables:
        report = upgrade_own_tables(engine)
        upgrades.extend(report.steps)
        # Every process that upgrades logs what a migration asks the operators to know
        # (references found twice, say): it is not lost when the web process or another
        # command upgraded first, and `dialogue db upgrade` then has nothing left to print.
        for note in report.notes:
            log.warning("database upgrade: %s", note)
    keys = KeyStore(engine, config.read_master_key())
    if check_key:
        keys.verify_key_check()
    the_clock = clock or clock_from_config(config.clock, config.timezone)
    # With table creation on, the library creates its events table here.
    app = DialogueApplication(database_url=config.database_url, clock=the_clock, keys=keys, create_tables=config.create_tables)
    views_engine = get_engine(config.views_url) if config.views_url else engine
    projector = ViewProjector(app.recorder, app.mapper, views_engine, create=False)
    app.open_rounds_view = OpenRoundsView(views_engine, lambda: projector.positions([deadlines.projection])[deadlines.projection.tracking_name])
    if config.create_tables:
        added = build_tree(engine)
        if added:
            upgrades.append(f"built the transparency log's tree: {added} leaves")
        # A projection whose version changed is rebuilt from the log before anything is served.
        upgrades.extend(upgrade_views(projector))
    accounts = Accounts(
        keys, app, mailer=mailer_from_url(config.smtp_url, config.mail_from), composer=composer,
        public_url=config.public_url, demo_mode=config.demo_mode,
    )
    services = Services(config=config, app=app, projector=projector, keys=keys, accounts=accounts, upgrades=upgrades)
    if config.inline_projection:
        # The views are written in the events' own transaction when they share its database
        # (one commit per command); the position they reached so is remembered per thread.
        applied = threading.local()
        if views_engine is engine:
            def in_transaction(session: Session, notes: Sequence[Notification], last_before: Callable[[Session, int], int]) -> bool:
                applied.pending = 0
                done = projector.apply_in_transaction(session, notes, last_before)
                applied.pending = notes[-1].id if done else 0
                return done

            app.dialogue_recorder.views = in_transaction
            # Told only after the save returned (committed): ``applied.position``.
            services.written_with_events = lambda position: position > 0 and getattr(applied, "position", 0) == position

        def catch_up(position: int) -> None:
            written = getattr(applied, "pending", 0) == position
            applied.pending = 0
            applied.position = position if written else 0
            if written:
                return  # applied with the events (committed with them)
            # The command is stored: a view that cannot apply it must not turn the command
            # into an error. The failure is logged (ids only) and /readyz reports it.
            try:
                projector.catch_up()
            except Exception:
                log.exception("views stopped at position %s", projector.failure[0] if projector.failure else "?")

        app.on_saved.append(catch_up)
    return services


def settable_clock(start: date | None = None) -> FixedClock:
    return FixedClock(start or date.today())
