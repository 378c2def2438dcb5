"""The words of each kind of notification (its message template, under the kind's name of
:data:`application.notifications.kinds.KINDS`) in the reader's language, and the page it
leads to: used by the notifications page and by the mails (``web/mail.py``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from web.i18n import country_name, day, word
from web.pages.common import isolate

KIND_LABELS = {
    "session_scheduled": _l("A session of my table is scheduled"),
    "agenda_item_added": _l("An item is added to the agenda of my table's session"),
    "positions_due": _l("My positions are due (three days before the session)"),
    "amendment_proposed": _l("An amendment is proposed to my proposal"),
    "co_author_added": _l("A co-author joins my proposal"),
    "proposal_decided": _l("My proposal is decided"),
    "proposal_endorsement": _l("My proposal is endorsed or not"),
    "proposal_published": _l("My proposal is published to governments"),
    "round_opened": _l("An endorsement round is opened for my seat"),
    "vote_reminder": _l("My vote is due (two days before the round closes)"),
    "government_response": _l("A government responds to my recommendation"),
    "comment_posted": _l("A member comments on my proposal, or replies to my comment"),
    "inputs_to_moderate": _l("An input waits for moderation"),
    "rounds_past_date": _l("An endorsement round is past its date"),
    "join_requests": _l("Someone asks to join a table I decide for"),
}

TEXTS = {
    "session_scheduled": _l("A session of %(table)s is scheduled on %(date)s."),
    "agenda_item_added": _l("%(title)s is on the agenda of the session of %(table)s on %(date)s."),
    "positions_due": _l("State your position on %(title)s before the session of %(table)s on %(date)s."),
    "amendment_proposed": _l("An amendment (%(amendment)s) is proposed to %(title)s."),
    "co_author_added": _l("A co-author joined %(title)s."),
    "proposal_decided": _l("%(title)s: %(decision)s."),
    "proposal_endorsement": _l("%(title)s: %(decision)s by the Liaison Table."),
    "proposal_published": _l("%(title)s is published to governments."),
    "round_opened": _l("An endorsement round on %(title)s is open until %(date)s."),
    "vote_reminder": _l("Your vote for seat %(seat)s on %(title)s is due by %(date)s."),
    "government_response": _l("%(country)s responded to %(title)s."),
    "comment_posted": _l("A member of %(table)s commented on %(title)s."),
    "inputs_to_moderate": _l("An input to an open call waits for moderation."),
    "rounds_past_date": _l("The endorsement round on %(title)s closed on %(date)s and waits to be closed."),
    "join_requests": _l("Someone without an account asks to join %(table)s."),
}

DECISIONS = {"Adopted": "adopted", "ReturnedForRevision": "returned_for_revision", "Rejected": "rejected", "Endorsed": "endorsed", "NotEndorsed": "not_endorsed"}


def _day(value: str | None) -> str:
    return day(date.fromisoformat(value)) if value else ""


def describe(kind: str, d: dict[str, Any]) -> str:
    """The sentence of a notification of ``kind`` with its facts ``d`` (a typed title between
    directional isolates, issue 11 item 9: the sentence goes to pages and mails alike)."""
    values = {
        "table": d.get("table", ""), "title": isolate(d.get("title") or d.get("reference") or "", plain=True), "amendment": d.get("amendment", ""),
        "seat": d.get("seat", ""), "country": country_name(d["country"]) if d.get("country") else "",
        "decision": word(DECISIONS.get(d.get("event", ""), "")),
        "date": _day(d.get("session_date") or d.get("closes_on")),
    }
    template = TEXTS.get(kind)
    return str(template) % values if template is not None else kind


def link(d: dict[str, Any], *, external: bool = False) -> str:
    """The page a notification leads to: its session, its proposal, the open call's moderation,
    or the queue of requests to join a table."""
    if d.get("session_id") and not d.get("proposal_id"):
        return url_for("sessions.show", session_id=d["session_id"], _external=external)
    if d.get("session_id") and d.get("proposal_id"):
        return url_for("sessions.show", session_id=d["session_id"], _external=external) + f"#item-{d['proposal_id']}"
    if d.get("proposal_id") and d.get("comment_id"):
        return url_for("proposals.show", proposal_id=d["proposal_id"], _external=external) + f"#comment-{d['comment_id']}"
    if d.get("proposal_id"):
        return url_for("proposals.show", proposal_id=d["proposal_id"], _external=external)
    if d.get("join_request") and d.get("table"):
        return url_for("join_requests.queue", code=d["table"], _external=external) + f"#request-{d['request_id']}"
    if d.get("call_id"):
        return url_for("calls.moderation", call_id=d["call_id"], _external=external)
    return url_for("me.index", _external=external)


def label(kind: str) -> str:
    found = KIND_LABELS.get(kind)
    return str(found) if found is not None else kind
