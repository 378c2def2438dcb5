"""The pages, one module per area, each with its own blueprint and its templates under
``web/templates/<area>/`` (``docs/architecture.md`` maps the areas):

- :mod:`web.pages.board`: the board, the adopted recommendations, the demo chooser;
- :mod:`web.pages.proposals`: drafting, revising, the proposal page and its actions;
- :mod:`web.pages.sessions`: the working tables' sessions, positions and decisions;
- :mod:`web.pages.liaison`: the Liaison Table (endorsement rounds, UN seats, publication);
- :mod:`web.pages.tables`: working tables, members and representatives;
- :mod:`web.pages.elections`: elections of the representatives (candidacies, ballots, results);
- :mod:`web.pages.dialogues`: follow-up and dialogues with governments;
- :mod:`web.pages.calls`: open calls for input, their inputs and moderation;
- :mod:`web.pages.discussion`: the discussion on a proposal (comments, replies, edits, hiding);
- :mod:`web.pages.join_requests`: requests to join a working table, and their queue;
- :mod:`web.pages.privacy`: participation statistics, the master-key error page;
- :mod:`web.pages.audit`: the auditors' pages;
- :mod:`web.pages.open_data`: the open-data download and the recommendations' PDF;
- :mod:`web.pages.dashboards`: the public dashboards;
- :mod:`web.pages.indicators`: the commission's indicators on each recommendation's page, their charts
  and the forms defining an indicator and recording a measurement;
- :mod:`web.pages.commission`: the cross-cutting commission, its members and indicators;
- :mod:`web.pages.feeds`, :mod:`web.pages.calendars`: the public Atom feeds and iCalendar files;
- :mod:`web.pages.search`: search over proposals, amendments and government responses;
- :mod:`web.pages.signin`: signing in and out, links to choose a password, demo accounts;
- :mod:`web.pages.account`: my account, the secretariat's invitations, the security log;
- :mod:`web.pages.me`: what waits for me;
- :mod:`web.pages.notifications`: my notifications and how each kind reaches me;
- :mod:`web.pages.errors`: the site's own page for an unknown address.

:mod:`web.pages.common` is what they share. A new area adds its module to
:func:`register_blueprints` (one import, one entry).
"""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web import health, limits
    from web.pages import (
        account,
        audit,
        board,
        calendars,
        calls,
        commission,
        dashboards,
        dialogues,
        discussion,
        elections,
        errors,
        feeds,
        indicators,
        join_requests,
        liaison,
        me,
        notifications,
        open_data,
        privacy,
        proposals,
        search,
        sessions,
        signin,
        tables,
    )
    from web.pages.common import exempt_from_global_csrf

    for module in (health, board, search, audit, privacy, open_data, dashboards, feeds, calendars, indicators, errors):
        app.register_blueprint(module.bp)
    # These pages' forms validate their own CSRF token (common.exempt_from_global_csrf).
    page_blueprints = (
        proposals.bp, sessions.bp, liaison.bp, tables.bp, elections.bp, dialogues.bp, dialogues.follow_up_bp, signin.bp, account.bp, me.bp, notifications.bp,
        calls.bp, calls.links_bp, discussion.bp, join_requests.bp, commission.bp, indicators.forms_bp,
    )
    for bp in page_blueprints:
        app.register_blueprint(bp)
    exempt_from_global_csrf(app, board.bp, *page_blueprints)
    limiter = limits.init_app(app, write_blueprints=page_blueprints, exempt=(health.bp,))
    limits.limit_per_address(app, limiter, "calls.send_input", calls.INPUTS_LIMIT, calls.REFUSED_INPUTS_LIMIT)
    limits.limit_per_address(app, limiter, "join_requests.send", calls.INPUTS_LIMIT, calls.REFUSED_INPUTS_LIMIT)
