"""What the page blueprints share: who the visitor is, running a command from a form,
showing typed text safely, and naming people only to those allowed to see names.

The visitor is the signed-in person (:mod:`web.identity`), with the roles the mechanism
gives them today (:meth:`application.service.DialogueApplication.roles_of`), or the public.
Authorisation is decided by the application for every command, for the identity bound to
the request; the pages only choose what to offer.

Personal data (docs/design.md, "Participant"): the public never sees a person's name; names
come from the participant directory and are shown to a participant, the secretariat or
an auditor. Who took which position is shown only to members of that table and auditors.
Logs carry ids and codes, never names.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from itertools import compress
from operator import not_
from sys import getsizeof
from threading import Lock
from typing import Any, Generic, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import nh3
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    request,
)
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.sql.elements import quoted_name
from werkzeug.wrappers import Response as BaseResponse

from application.access import Access
from application.bootstrap import Services
from application.errors import CommandAlreadyAppliedError, ConflictError
from application.roles import Roles
from domain.errors import DomainError
from projections import people as people_views
from web.collation import in_name_order
from web.forms import new_command_id
from web.i18n import current_language, error_message, refusal_words
from web.identity import current_account, current_identity
from web.positions import forget_positions, log_position, proposal_mark, views_positions
from web.services import services as _services
from web.translate import gettext as _
from web.typed_text import one_line

T = TypeVar("T")

_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["heading", "lheading", "image", "html_block", "html_inline"]
)
_ALLOWED_TAGS = {"p", "br", "ol", "ul", "li", "em", "strong", "code", "pre", "blockquote", "a", "hr"}


def services() -> Services:
    return _services()


def engine() -> Engine:
    """The read models' engine."""
    return services().projector.engine


Page = str | tuple[str, int] | BaseResponse


def found_or_404(lookup: Callable[[Engine, str], T | None], aggregate_id: str, *, kept: bool = False) -> T:
    """The view row of ``aggregate_id`` from ``lookup`` (e.g. ``proposal_views.get_proposal``),
    or a 404 for a malformed id or an unknown one; with ``kept``, read by :func:`kept_view`
    (``lookup`` reads the views only)."""
    try:
        UUID(aggregate_id)
    except ValueError:
        abort(404)
    row = kept_view(lookup, aggregate_id) if kept else lookup(engine(), aggregate_id)
    if row is None:
        abort(404)
    return row


def demo_mode() -> bool:
    """Whether the demo banner switches between demo accounts (``DIALOGUE_DEMO_MODE``, default no)."""
    return bool(current_app.config["DIALOGUE"].demo_mode)


def today() -> date:
    """The application's date (``DIALOGUE_CLOCK`` pins it)."""
    return services().app.clock.today()


# ---------------------------------------------------------------------------- typed text
def typed(text: str | None) -> Markup:
    """A person's text as HTML: Markdown (lists, emphasis, links) rendered and cleaned.

    Raw HTML, images and headings are not interpreted: they show as typed. Line breaks
    are kept; emoji, accents and their absence pass through untouched. A block that could
    reorder the page (:func:`needs_isolation`) is isolated (``dir="auto"``): a direction
    override typed in it ends with it.
    """
    if not text:
        return Markup("")
    return _typed_html(text) if len(text) <= CACHED_TEXT_CHARS else _render_typed(text)


# The cache holds short texts only (titles, comments, summaries: the ones pages repeat), so its
# worst case per worker stays a few MB (1,024 texts of 4,000 characters and their HTML); a
# longer text is rendered each time.
CACHED_TEXT_CHARS = 4_000


@lru_cache(maxsize=1024)
def _typed_html(text: str) -> Markup:
    """:func:`typed`'s HTML of ``text``, kept: the same text always gives the same HTML, and a
    page shows the same texts to every reader (rendering and cleaning is a page's dearest
    per-text cost)."""
    return _render_typed(text)


def _render_typed(text: str) -> Markup:
    html = _md.render(text)
    clean = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")
    return typed_block(clean) if needs_isolation(text) else Markup(clean)  # noqa: S704 - cleaned by nh3 just above


# Unicode's explicit direction controls (embeddings, overrides, isolates and their ends): an
# unclosed right-to-left override (U+202E) typed into a name reverses everything after it.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Bidirectional classes that can move text around them: right-to-left letters and digits, and
# the controls above.
_DIRECTIONAL = frozenset({"R", "AL", "AN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


# Every character before the Hebrew block is of a left-to-right, neutral or weak class (none is
# in _DIRECTIONAL; a unit test checks it against the running Python's Unicode tables): text
# made only of them, as most titles and names are, needs no look-up character by character.
BEFORE_DIRECTIONAL = "\u0590"


def needs_isolation(text: str) -> bool:
    """Whether ``text`` could reorder the page around it: it holds a direction control or a
    right-to-left character (text of left-to-right letters, digits and punctuation cannot, on
    pages that are all left to right)."""
    if not text or max(text) < BEFORE_DIRECTIONAL:
        return False
    return any(unicodedata.bidirectional(c) in _DIRECTIONAL for c in text)


def isolate(text: Any, plain: bool = False) -> Markup | str:
    """Text a person typed (a name, a title, a reason, an agency's or an organisation's name),
    isolated from the page around it, so that a right-to-left override or any direction it
    carries ends with it (issue 11, item 9). The one filter every template applies to typed
    text: ``{{ p.title|isolate }}``.

    Gives ``<bdi>text</bdi>`` (escaped); with ``plain``, for places that take no markup (the
    page's ``<title>``, an attribute, a translated sentence's argument), the text between
    U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE. Text that cannot reorder
    anything (:func:`needs_isolation`) comes back as it is, escaped.
    """
    if text is None or text == "":
        return ""
    if not needs_isolation(str(text)):
        return str(text) if plain else Markup.escape(text)
    if plain:
        return f"\u2068{text}\u2069"
    return Markup("<bdi>{}</bdi>").format(text)


def typed_block(html: str) -> Markup:
    """A block of typed Markdown already cleaned, isolated as one (``dir="auto"``)."""
    return Markup('<div dir="auto">{}</div>').format(Markup(html))  # noqa: S704 - cleaned by the caller


# ---------------------------------------------------------------------------- pieces of pages kept
# A piece of a page that is a function of a few values (a board's card of one proposal row,
# the filters' form) is rendered once per process for those values, the reader's language and
# the site's address, and its HTML kept: ``{% set key = fragment_key(...) %}{% set hit =
# kept_fragment(key) %}{% if hit is not none %}{{ hit }}{% else %}{% set html %}…{% endset
# %}{{ keep_fragment(key, html) }}{% endif %}``. The key holds the row's values themselves, so a
# changed row is a new key (never a stale piece); at most FRAGMENTS pieces are kept, and
# FRAGMENTS_BYTES of them (:class:`PositionMemo`).
FRAGMENTS = 2048


def _frozen(value: Any) -> Hashable:
    """``value`` as an exact hashable key: dicts (in their order), lists, tuples and sets as
    tuples, each tagged with its type; any other value with its type's module and name (1 and
    True, ``Markup('&lt;')`` and ``'&lt;'`` are equal in Python but show differently), a float
    or a ``Decimal`` by its ``repr`` (0.0 and -0.0, ``Decimal('1.0')`` and ``Decimal('1.00')``),
    a datetime or a time with its offset and its zone's name too (12:00 UTC and 14:00+02:00
    are the same instant, shown differently). Values of another type are told apart by their
    own equality."""
    kind = type(value)
    tag = (kind.__module__, kind.__qualname__)
    if isinstance(value, dict):
        return (tag, *((_frozen(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return (tag, *(_frozen(v) for v in items))
    if isinstance(value, float | Decimal):
        return (tag, repr(value))
    if isinstance(value, datetime | time):
        return (tag, value, value.utcoffset(), value.tzname())
    return (tag, value)


# The types whose ``repr`` is Python's literal syntax for the value (with its type: ``1``,
# ``1.0``, ``True``, ``'1'``, ``datetime.date(2026, 3, 2)``, ``Decimal('1.00')``): two values
# of these types with the same ``repr`` are the same value, of the same type. A view's row is
# made of them (its JSON columns of dicts and lists of them; its keys are SQLAlchemy's column
# names, ``quoted_name``, a ``str`` with ``str``'s own ``repr``).
_LITERAL_TYPES = frozenset({str, quoted_name, int, float, bool, type(None), date, datetime, time, timedelta, Decimal, UUID})
_CONTAINER_TYPES = frozenset({dict, list, tuple})
_KEY_TYPES = _LITERAL_TYPES | _CONTAINER_TYPES
_TIMES = frozenset({datetime, time})


def _plain_zone(value: datetime | time) -> bool:
    """Whether the ``repr`` of ``value``'s zone is its literal syntax: none, a fixed offset
    (``datetime.timezone``) or a named zone (``zoneinfo.ZoneInfo``); another ``tzinfo``'s
    ``repr`` may be ``<X object at 0x…>``, the same for two zones, or another for the same one."""
    zone = value.tzinfo
    return zone is None or type(zone) is timezone or (type(zone) is ZoneInfo and zone.key is not None)


def _literal(values: Collection[Any]) -> bool:
    """Whether every one of ``values`` is of :data:`_LITERAL_TYPES`, or a dict, list or tuple
    of such values all the way down, each datetime and time in a zone whose ``repr`` is
    exact (:func:`_plain_zone`) (C-level passes over the types; Python code only for each
    container met, and each datetime or time)."""
    types = set(map(type, values))
    if not types <= _KEY_TYPES:
        return False
    if not types.isdisjoint(_TIMES) and not all(_plain_zone(v) for v in values if type(v) in _TIMES):
        return False
    if types <= _LITERAL_TYPES:
        return True
    for v in compress(values, map(_CONTAINER_TYPES.__contains__, map(type, values))):
        if not (_literal(v.keys()) and _literal(v.values()) if type(v) is dict else _literal(v)):
            return False
    return True


def value_key(*values: Any) -> Hashable:
    """An exact key of ``values`` (a view's rows, a read's arguments): their ``repr``, one
    C-level pass, when they are made of literal types only (:func:`_literal`), so that any
    changed value, or a value of another type, gives another key; else :func:`_frozen`'s
    tuples (in a tuple of their own, so the two kinds of key never meet). A dict's keys in
    another order give another key: a kept answer is then worked out again, never mixed up."""
    if _literal(values):
        return repr(values)
    return (_frozen(values),)


def fragment_key(*parts: Any) -> Hashable:
    """The key of a kept piece of a page: ``parts`` (a name and the values it shows), the
    reader's language and the site's address (the links it holds)."""
    return (current_language(), request.script_root, value_key(*parts))


def _fragments() -> PositionMemo:
    memo = current_app.extensions.get("dialogue_fragments")
    if not isinstance(memo, PositionMemo):
        memo = PositionMemo(services(), FRAGMENTS, FRAGMENTS_BYTES)
        current_app.extensions["dialogue_fragments"] = memo
    return memo


def kept_fragment(key: Hashable) -> Markup | None:
    """The HTML kept for ``key``, or None."""
    return _fragments().peek(key)  # type: ignore[no-any-return]


def keep_fragment(key: Hashable, html: Markup) -> Markup:
    """Keep ``html`` for ``key``; gives it back."""
    return _fragments().put(key, html)


# ---------------------------------------------------------------------------- form controls
def option_pairs(options: Any, text_of: Callable[[Any], Any] | None = None) -> list[tuple[str, Any]]:
    """``(value, text)`` of each option for the form macros: ``options`` are values, a
    form field's choices or ``(value, text)`` pairs; ``text_of`` names a value in the
    reader's language (e.g. ``country_name``) instead of the given text."""
    out: list[tuple[str, Any]] = []
    for o in options or ():
        if isinstance(o, tuple | list):
            value, text = o[0], o[1]
        elif hasattr(o, "value") and hasattr(o, "label"):  # a WTForms SelectChoice
            value, text = o.value, o.label
        else:
            value, text = o, o
        out.append((str(value), text_of(value) if text_of else text))
    return out


# ---------------------------------------------------------------------------- the visitor
@dataclass
class Viewer(Access):
    """The visitor: the application's :class:`Access` policy for their roles today, plus
    what the pages show of them (their name and reference, address, demo account)."""

    name: str | None = None
    reference: str | None = None
    email: str | None = None
    demo: bool = False


# ---------------------------------------------------------------------------- kept per position
# A kept answer's or piece's weight: the estimate of :func:`footprint` for its key and its value.
# The bounds keep a worker's memory for them under about 64 MiB and 16 MiB whatever the pages
# read (on the 2026-Q1 scenario a board's page of rows weighs about 77 kB, a board's card with
# its key, which holds the row, 5 to 10 kB; a page of 20 versions of long proposals can pass a
# megabyte).
ANSWERS_BYTES = 64 * 1024 * 1024
FRAGMENTS_BYTES = 16 * 1024 * 1024


def footprint(value: Any) -> int:
    """An estimate of the memory ``value`` holds, in bytes: ``sys.getsizeof`` of it and of
    everything in its dicts, lists, tuples, sets and objects' attributes, down to
    :data:`FOOTPRINT_DEPTH` levels, counted again wherever it appears (so on the high side
    for shared values such as small integers and interned strings; a view row's keys, its
    columns' names held by the table, are not counted).
    Worked out once, when an answer is kept, a level at a time: the sizes of a level's items
    in one C-level pass, Python code only for each container met."""
    total = 0
    level: list[Any] = [value]
    for _level in range(FOOTPRINT_DEPTH):
        total += sum(map(getsizeof, level))
        if len(level) > _SMALL_LEVEL:
            inner: list[Any] = list(compress(level, map(not_, map(_LITERAL_TYPES.__contains__, map(type, level)))))
        else:
            inner = [v for v in level if type(v) not in _LITERAL_TYPES]
        if not inner:
            break
        level = []
        for v in inner:
            if isinstance(v, dict):
                if type(next(iter(v), None)) is not quoted_name:  # a row's keys are its columns' names, held by the table
                    level += v.keys()
                level += v.values()
            elif isinstance(v, list | tuple | set | frozenset):
                level += v
            else:
                fields = getattr(v, "__dict__", None)
                if isinstance(fields, dict):
                    level.append(fields)
    return total


def key_footprint(key: Hashable, shared: object = None) -> int:
    """The weight of a kept answer's key: its tuple, each plain item in it by its size (the
    rows' values a piece's key holds are most often one text there), any other item
    (:func:`_frozen`'s tuples of rows) by :func:`footprint`; the item that is ``shared``
    (the views' positions, one tuple held by every key of a request) by its own size only."""
    if type(key) is tuple:
        return getsizeof(key) + sum(getsizeof(item) if type(item) in _LITERAL_TYPES or item is shared else footprint(item) for item in key)
    return footprint(key)


def _shared_positions() -> object:
    """The views' positions this request read, if it read them (:func:`views_positions`)."""
    return g.get("views_positions") if has_request_context() else None


HEAVY_KEYS = 256  # the hashes of keys whose answers were too heavy to keep, remembered
_SMALL_LEVEL = 32  # below it, one comprehension finds a level's containers faster than C-level passes
FOOTPRINT_DEPTH = 12


class PositionMemo:
    """Answers kept per process (a signed-in person's roles, what waits for them, the views'
    reads of a page; and, in a memo of their own, pieces of pages) under a key that holds the
    log's and the views' positions or the values shown (:func:`log_positions`): any write moves a position, so a kept answer is never
    served after a write. The oldest answers are dropped first beyond ``size`` answers or
    beyond ``max_bytes`` (weighed by :func:`key_footprint` and :func:`footprint`); an answer
    heavier than a quarter of ``max_bytes`` is not kept, and the hash of its key remembered
    (the last :data:`HEAVY_KEYS`) so that it is not weighed again each time it is worked out
    (two keys of one hash: the other's answer is not kept either, never a wrong one served)."""

    def __init__(self, owner: Services, size: int = 512, max_bytes: int = ANSWERS_BYTES) -> None:
        self.owner = owner
        self.size = size
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._heavy: OrderedDict[int, None] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def weight(self) -> int:
        """The estimated bytes of the answers kept and their keys."""
        return self._bytes

    def peek(self, key: Hashable) -> Any:
        """The answer kept for ``key``, or None."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found[0]
        return None

    def put(self, key: Hashable, value: T) -> T:
        """Keep ``value`` for ``key`` (dropping the oldest beyond ``size`` answers or
        ``max_bytes``; not when too heavy, see the class); gives it back."""
        hashed = hash(key)
        if hashed in self._heavy:
            return value
        weight = key_footprint(key, _shared_positions()) + footprint(value)
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if weight > self.max_bytes // 4:
                self._heavy[hashed] = None
                if len(self._heavy) > HEAVY_KEYS:
                    self._heavy.popitem(last=False)
                return value
            self._kept[key] = (value, weight)
            self._bytes += weight
            while len(self._kept) > self.size or self._bytes > self.max_bytes:
                self._bytes -= self._kept.popitem(last=False)[1][1]
        return value

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The answer kept for ``key``, else ``make()``'s, kept (``make`` never gives None)."""
        kept = self.peek(key)
        return kept if kept is not None else self.put(key, make())  # type: ignore[no-any-return]


def kept(key: Hashable, make: Callable[[], T]) -> T:
    """``make()``'s answer kept per process under ``key`` (which holds the positions it
    depends on), on a GET or HEAD; a request that may write (a POST), or work outside a
    request, always works it out."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return make()
    return position_memo().get(key, make)


def copy_rows(value: Any) -> Any:
    """A copy of the lists and dicts of a kept read (a page may add to its rows)."""
    if isinstance(value, dict):
        return {k: copy_rows(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_rows(v) for v in value]
    if isinstance(value, tuple):
        return tuple(copy_rows(v) for v in value)
    return value


def kept_view(read: Callable[..., T], *args: Any, copied: bool = True, **kwargs: Any) -> T:
    """``read(engine(), *args, **kwargs)``, a read of the views only, kept per process for the
    views' positions (:func:`views_positions`) and its arguments; each call gets a copy of
    the rows (``copied=False``: the kept rows themselves, for a page that never changes them)."""
    key = ("view", read.__module__, read.__qualname__, value_key(args, kwargs), views_positions())
    found = kept(key, lambda: read(engine(), *args, **kwargs))
    return copy_rows(found) if copied else found  # type: ignore[no-any-return]


def kept_of_proposal(read: Callable[..., T], proposal_id: str, *args: Any, copied: bool = True, **kwargs: Any) -> T:
    """``read(engine(), proposal_id, *args, **kwargs)``, a read of the views of what concerns
    one proposal (its page's rows), kept per process for that proposal's change mark
    (:func:`proposal_mark`) and its arguments, as :func:`kept_view`: a write to another
    proposal leaves it kept."""
    key = ("proposal", read.__module__, read.__qualname__, value_key(proposal_id, args, kwargs), proposal_mark(proposal_id, kept))
    found = kept(key, lambda: read(engine(), proposal_id, *args, **kwargs))
    return copy_rows(found) if copied else found  # type: ignore[no-any-return]


def position_memo() -> PositionMemo:
    """This app's :class:`PositionMemo` (a new one when the app's services were built anew)."""
    s = services()
    memo = current_app.extensions.get("dialogue_position_memo")
    if not isinstance(memo, PositionMemo) or memo.owner is not s:
        memo = PositionMemo(s)
        current_app.extensions["dialogue_position_memo"] = memo
    return memo


def directory() -> dict[str, dict[str, Any]]:
    """The participants' directory (:func:`projections.people.directory`), kept per process
    for the views' positions (a signed-in person's page names them in its layout, and names
    the people it shows for those who see names). Read it, never change it."""
    return kept(("directory", views_positions()), lambda: people_views.directory(engine()))


def current_roles() -> Roles:
    """The roles of this request's identity today (read once per request, cached on ``g``;
    a signed-in person's are kept per process for the log's position and the day, as they
    are read from the events of the tables, the Liaison Table and the grants)."""
    cached = g.get("roles")
    if isinstance(cached, Roles):
        return cached
    identity = current_identity()
    app = services().app
    if identity.is_anonymous:
        roles = app.roles_of(identity)
    else:
        day = today()
        roles = kept(("roles", identity, day, log_position()), lambda: app.roles_of(identity, day))
    g.roles = roles
    return roles


def load_viewer() -> Viewer:
    """The visitor of this request (cached on ``g``)."""
    cached = g.get("viewer")
    if isinstance(cached, Viewer):
        return cached
    identity = current_identity()
    viewer = Viewer()
    if not identity.is_anonymous:
        access = Access.of(current_roles())
        account = current_account()
        entry = directory().get(identity.participant_id or "") or {}
        viewer = Viewer(
            **vars(access), name=entry.get("name"), reference=entry.get("reference"),
            email=account.email if account else None, demo=bool(account and account.demo),
        )
    g.viewer = viewer
    return viewer


class People:
    """Names people for one viewer: a directory name for those allowed, otherwise a
    neutral wording such as "a member of RT1" (never a name, never an id)."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self._directory: dict[str, dict[str, Any]] | None = None

    @property
    def directory(self) -> dict[str, dict[str, Any]]:
        if self._directory is None:
            self._directory = directory() if self.viewer.sees_names else {}
        return self._directory

    def name(self, participant_id: str | None, table: str | None = None) -> str:
        if participant_id and self.viewer.sees_names:
            entry = self.directory.get(str(participant_id))
            if entry:
                return str(one_line(str(entry["name"])))
        if participant_id in ("secretariat", "administrator"):
            return _("the secretariat")
        if table:
            return _("a member of %(table)s", table=table)
        return _("a participant")

    def in_name_order(self, participant_ids: Collection[str], table: str | None = None) -> list[str]:
        """``participant_ids`` sorted by the names this viewer reads, in the reader's
        language's alphabetical order (then by id: the same order on every page)."""
        return in_name_order(participant_ids, lambda pid: self.name(pid, table), current_language(), tie=str)


# ---------------------------------------------------------------------------- commands
@dataclass
class Outcome(Generic[T]):
    """What became of a command sent from a form."""

    applied: bool
    value: T | None = None
    error: DomainError | None = None
    status: int = 200
    message: str = ""

    def __post_init__(self) -> None:
        if not self.applied and self.message and has_request_context():
            g.refusal, g.refusal_shown = self, False

    @property
    def error_field(self) -> str | None:
        return self.error.field if self.error else None


# ---------------------------------------------------------------------------- refusals shown
# Every refusal of a request is remembered (``Outcome``), and marked shown when the page
# shows its message: the ``refusal`` macro, or the errors beside a form control. The layout
# (base.html) renders the page's content first, then shows at its top any refusal the content
# did not show (its form is not on the page shown: a vote on a round closed meanwhile, a vote
# without a seat, a participant scheduling a session, an auditor joining a table).
def refusal_shown(outcome: Outcome[Any] | None = None) -> str:
    """Mark the request's refusal as shown (called by the ``refusal`` macro); ''."""
    if outcome is not None and outcome is g.get("refusal"):
        g.refusal_shown = True
    return ""


def errors_shown(errors: Any) -> str:
    """Mark the request's refusal as shown when its message is among ``errors``, the errors
    a form control shows (called by the form macros); ''."""
    refused = g.get("refusal")
    if refused is not None and errors and refused.message in [str(e) for e in errors]:
        g.refusal_shown = True
    return ""


def unshown_refusal() -> Outcome[Any] | None:
    """The request's refusal when the page's content did not show it (base.html)."""
    refused = g.get("refusal")
    return None if refused is None or g.get("refusal_shown") else refused  # type: ignore[no-any-return]


def command_id_of(form: Any) -> str:
    return f"web:{form.command_id.data}"


def execute(command_id: str, call: Callable[[], T]) -> Outcome[T]:
    """Run one command and make the views show it (read-your-writes).

    A write whose views do not reach it in time is applied all the same, with a flash
    saying so (:func:`_reach_views`). A command id already applied (a double submit) counts as applied; a stale version
    is refused with status 409; any other refusal with 422 and the rule's message in
    the reader's language. Refusals are logged with the command id and the code only.
    """
    s = services()
    forget_positions()  # the command moves them: what this request reads after it is read anew
    try:
        value = call()
    except CommandAlreadyAppliedError:
        _reach_views(s, s.app.command_position(command_id))
        return Outcome(applied=True)
    except ConflictError as e:
        return _refused(f"command {command_id}", e, 409)
    except DomainError as e:
        if s.app.command_applied(command_id):
            _reach_views(s, s.app.command_position(command_id))
            return Outcome(applied=True)
        return _refused(f"command {command_id}", e, 422)
    _reach_views(s, None)
    return Outcome(applied=True, value=value)


def _reach_views(s: Services, position: int | None) -> None:
    """Wait for the views to reach the write at ``position`` (None: this thread's last);
    when they do not in time, the page the form leads to (which may not show it yet, or be
    "not found" for what was just created) says that it is saved and will appear shortly."""
    if not s.wait_for_views(position):
        flash(_("Saved. It will appear on the pages in a few seconds: reload the page then."), "ok")


def check(command_id: str, call: Callable[[], T]) -> Outcome[T]:
    """Ask one of the application's checks (it writes nothing), its refusal worded as
    :func:`execute` words a command's (409 for a conflict, 422 otherwise; a command id
    already applied counts as applied: the command that follows answers for it). Unlike
    :func:`execute` a check that passes does not wait for the views: nothing moved."""
    try:
        value = call()
    except ConflictError as e:
        return _refused(f"check for {command_id}", e, 409)
    except DomainError as e:
        if services().app.command_applied(command_id):
            return Outcome(applied=True)
        return _refused(f"check for {command_id}", e, 422)
    return Outcome(applied=True, value=value)


def _refused(what: str, e: DomainError, status: int) -> Outcome[Any]:
    """The refusal of ``what`` (a command or a check, by its id), logged with its code only,
    in the reader's words."""
    current_app.logger.info("%s refused: %s", what, e.code)
    return Outcome(applied=False, error=e, status=status, message=refusal_words(e))


def refusal(code: str, field: str | None = None, status: int = 422) -> Outcome[Any]:
    """A refusal decided before reaching the application (e.g. nobody chosen to act as)."""
    e = DomainError(code, code=code, field=field)
    return Outcome(applied=False, error=e, status=status, message=error_message(code, "DomainError", ""))


def form_errors(form: Any) -> dict[str, list[str]]:
    """The shape errors of a submitted form, by field name (strings, each once)."""
    return {name: list(dict.fromkeys(str(m) for m in msgs)) for name, msgs in form.errors.items()}


def problems_by_field(errs: dict[str, list[str]], problems: list[DomainError], fields: dict[str, str]) -> dict[str, list[str]]:
    """The form's shape errors, then each problem of the content (``fields`` maps the
    application's field names to the form's) on every field whose shape passed: every
    error at once, none shown twice."""
    merged = {name: list(words) for name, words in errs.items()}
    for e in problems:
        name = fields.get(e.field or "", e.field or "")
        words = refusal_words(e)
        if name and name not in errs and words not in merged.get(name, []):
            merged.setdefault(name, []).append(words)
    return merged


# ---------------------------------------------------------------------------- responses
CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def secure_headers(response: Response) -> Response:
    """No external assets, no scripts, no framing (the pages work without JavaScript)."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def install(bp: Blueprint) -> None:
    """Give a page blueprint the viewer, the helpers and the security headers."""
    bp.after_request(secure_headers)
    bp.add_app_template_global(new_command_id, "new_command_id")
    bp.add_app_template_global(typed, "typed")
    bp.add_app_template_filter(isolate, "isolate")
    bp.add_app_template_global(option_pairs, "option_pairs")
    bp.add_app_template_global(refusal_shown, "refusal_shown")
    bp.add_app_template_global(errors_shown, "errors_shown")
    bp.add_app_template_global(unshown_refusal, "unshown_refusal")
    bp.add_app_template_global(fragment_key, "fragment_key")
    bp.add_app_template_global(views_positions, "views_positions")
    bp.add_app_template_global(kept_fragment, "kept_fragment")
    bp.add_app_template_global(keep_fragment, "keep_fragment")

    @bp.context_processor
    def _context() -> dict[str, Any]:
        viewer = load_viewer()
        return {"viewer": viewer, "people": People(viewer), "today": today()}


def exempt_from_global_csrf(app: Flask, *bps: Blueprint) -> None:
    """Every POST of these blueprints validates its own form's CSRF token, so that a
    refused token re-renders the form with what the person typed instead of a bare 400."""
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for bp in bps:
            csrf.exempt(bp)


def place_error(
    outcome: Outcome[Any], form: Any, aliases: dict[str, str] | None = None, inline: set[str] | None = None,
) -> tuple[Outcome[Any] | None, dict[str, list[str]]]:
    """Where a refusal is shown: next to the form field it names, or at the top.

    Returns ``(top, errors_by_field)``: ``top`` is the outcome when no field of ``form``
    matches ``error.field`` (after ``aliases``, e.g. ``{"co_authors": "co_author"}``), or
    when ``inline`` is given and the page shows no error next to that field.
    """
    name = outcome.error_field
    if name and aliases:
        name = aliases.get(name, name)
    shown = inline is None or name in inline
    if name and shown and form is not None and name in form._fields and name not in ("command_id", "csrf_token"):
        return None, {name: [outcome.message]}
    return outcome, {}
