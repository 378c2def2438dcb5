"""Search: proposal titles and texts, amendments and government responses, found by their
words whatever the case and the accents, stemmed in each text's own language
(``docs/search.md``).

A projection like every other view, rebuilt from the log: ``view_search_documents`` holds
one row per searchable text (a proposal, an amendment, a government response), with its
terms (:mod:`projections.search_terms`); ``view_search_index`` indexes those terms with
the database's own full-text search:

- SQLite: an FTS5 table (``unicode61 remove_diacritics 2``), its rowid the document's id;
- PostgreSQL: a GIN index on the terms' ``tsvector`` (``simple`` configuration: the terms are
  stemmed already).

Only texts every reader of the site may read are indexed (proposals, at every status, and
their amendments and government responses are public pages); never a name, a position's
reason or any personal data, so a result shows nothing its reader could not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Index,
    Integer,
    String,
    Text,
    and_,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql  # noqa: F401 - registers its to_tsvector/to_tsquery before func builds them
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from domain.proposal import Proposal
from projections.base import BigInt, Id, Projection, text_id, topic
from projections.batch import batch_state
from projections.search_terms import LANGUAGES, WORD, index_terms, matches_word, query_groups
from projections.statements import replace_row, select_first, update_row

projection = Projection("search", version=1)

KINDS = ("proposal", "amendment", "government_response")
PROPOSAL_PARTS = ("title", "problem", "recommendation", "rationale")
_PROPOSAL_PARTS = frozenset(PROPOSAL_PARTS)
SNIPPET_WORDS = 28

view_search_documents = projection.table(
    "search_documents",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, unique=True),
    Column("kind", String(24), nullable=False),
    Column("proposal_id", Id, nullable=False, index=True),
    Column("label", String(100), nullable=False, default=""),
    Column("language", String(8), nullable=False),
    Column("parts", JSON, nullable=False),
    Column("terms", Text, nullable=False),
    Column("position", BigInt, nullable=False),
)

_terms = Column("terms", Text, nullable=False)
# PostgreSQL: the terms' tsvector (``simple``: they are stemmed already) under a GIN index;
# the rows are the same text as SQLite's, so a rebuild compares equal on either back end.
_TSVECTOR = func.to_tsvector(literal_column("'simple'"), _terms)
view_search_index = projection.table(
    "search_index",
    Column("rowid", Integer, primary_key=True, autoincrement=False),
    _terms,
    Index(f"ix_{projection.table_name('search_index')}_terms", _TSVECTOR, postgresql_using="gin").ddl_if(dialect="postgresql"),
)


@compiles(CreateTable, "sqlite")
def _create_sqlite(create: CreateTable, compiler: Any, **kw: Any) -> str:
    """The search index is an FTS5 table on SQLite (its rowid is the document's id); every
    other table is created as usual."""
    if create.element is view_search_index:
        return f"CREATE VIRTUAL TABLE {view_search_index.name} USING fts5(terms, tokenize = 'unicode61 remove_diacritics 2')"
    return str(compiler.visit_create_table(create, **kw))


# ---------------------------------------------------------------------------- handlers
def _pid(e: Any) -> str:
    return text_id(e.originator_id)


def _text(parts: dict[str, str]) -> str:
    return "\n".join(v for v in parts.values() if v)


def _index(s: Session, doc_id: int, terms: str) -> None:
    replace_row(s, view_search_index, rowid=doc_id, terms=terms)


_DOC = ("id", "key", "label", "language", "parts", "position")


class _Documents:
    """The documents this batch of events met, by key (``_DOC``'s columns, kept current;
    ``id`` an int), and those changed, whose row and terms wait for the batch's end: a
    proposal revised a hundred times in one batch is read once, and its row written and its
    text stemmed once, for its last version."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[str, Any]] = {}
        self.unindexed: dict[int, dict[str, Any]] = {}
        # A proposal's document → the parts a revision of this batch gave it: the
        # ``PROPOSAL_PARTS`` in their order, each a text (while they are its parts, the next
        # revision copies them and changes what it changes, :func:`_revise_proposal`).
        self.revised: dict[int, dict[str, str]] = {}

    def changed(self, doc: dict[str, Any], position: int, label: str, language: str, parts: dict[str, str]) -> None:
        """``doc`` (of ``by_key``) takes a new label, language and text at ``position``;
        its row and terms are written at the batch's end (its kind and proposal, part of
        its key, never change)."""
        doc["label"] = label
        doc["language"] = language
        doc["parts"] = parts
        doc["position"] = position
        self.unindexed[doc["id"]] = doc


def _index_waiting(s: Session, documents: _Documents) -> None:
    """The changed documents' rows and terms, in their table and the index."""
    for doc_id, doc in documents.unindexed.items():
        terms = index_terms(_text(doc["parts"]), doc["language"])
        update_row(s, view_search_documents, {"id": doc_id}, label=doc["label"], language=doc["language"], parts=doc["parts"],
                   position=doc["position"], terms=terms)
        _index(s, doc_id, terms)
    documents.unindexed.clear()


def _new_documents(s: Session) -> _Documents:
    return _Documents()


def _documents(s: Session) -> _Documents:
    return batch_state(s, "search.documents", _new_documents, _index_waiting)


def _document(s: Session, key: str) -> dict[str, Any] | None:
    documents = _documents(s).by_key
    if key not in documents:
        found = select_first(s, view_search_documents, _DOC, key=key)
        if found is None:
            return None
        documents[key] = {**found, "id": int(found["id"])}
    return documents[key]


def _put(s: Session, position: int, *, key: str, kind: str, proposal_id: str, label: str, language: str, parts: dict[str, str]) -> None:
    """A document's new text: its row and terms inserted now for a new key, written at the
    batch's end for a key already there (:meth:`_Documents.changed`)."""
    found = _document(s, key)
    if found is not None:
        _documents(s).changed(found, position, label, language, parts)
        return
    terms = index_terms(_text(parts), language)
    values = dict(key=key, kind=kind, proposal_id=proposal_id, label=label, language=language, parts=parts, position=position)
    doc_id = int(s.execute(insert(view_search_documents).values(**values, terms=terms).returning(view_search_documents.c.id)).scalar_one())
    _documents(s).by_key[key] = {"id": doc_id, "key": key, "label": label, "language": language, "parts": parts, "position": position}
    _index(s, doc_id, terms)


def _proposal_doc(s: Session, proposal_id: str) -> dict[str, Any]:
    found = _document(s, f"proposal:{proposal_id}")
    if found is None:
        raise LookupError(f"no search document for proposal {proposal_id}")
    return found


@projection.on(topic(Proposal, "Drafted"))
def drafted(s: Session, e: Any, position: int) -> None:
    parts = {p: getattr(e, p) for p in PROPOSAL_PARTS}
    _put(s, position, key=f"proposal:{_pid(e)}", kind="proposal", proposal_id=_pid(e), label=e.reference, language=e.language, parts=parts)


def _revise_proposal(s: Session, e: Any, position: int, changes: dict[str, Any]) -> None:
    """A proposal's text and language after ``changes`` (the fields changed); nothing
    written when they are the same. The most frequent event of a long history: the batch's
    documents are looked up once, and the proposal's there before any read."""
    pid = _pid(e)
    documents = _documents(s)
    doc = documents.by_key.get(f"proposal:{pid}") or _proposal_doc(s, pid)
    old = doc["parts"]
    before = documents.revised.get(doc["id"])
    if before is not None and before is old:  # the parts of a revision before: texts, in order
        parts = before.copy()
        for p, v in changes.items():
            if p in _PROPOSAL_PARTS:
                parts[p] = str(v)
    else:
        parts = {p: str(changes[p]) if p in changes else str(old.get(p, "")) for p in PROPOSAL_PARTS}
    language = str(changes["language"]) if "language" in changes else doc["language"]
    if language == doc["language"] and parts == old:
        return
    documents.changed(doc, position, doc["label"], language, parts)
    documents.revised[doc["id"]] = parts


@projection.on(topic(Proposal, "Revised"))
def revised(s: Session, e: Any, position: int) -> None:
    _revise_proposal(s, e, position, e.changes)


@projection.on(topic(Proposal, "AmendmentAccepted"))
def amendment_accepted(s: Session, e: Any, position: int) -> None:
    _revise_proposal(s, e, position, {e.field: e.merged_text})


@projection.on(topic(Proposal, "AmendmentProposed"))
def amendment_proposed(s: Session, e: Any, position: int) -> None:
    proposal = _proposal_doc(s, _pid(e))
    _put(s, position, key=f"amendment:{_pid(e)}:{e.amendment}", kind="amendment", proposal_id=_pid(e), label=e.amendment,
         language=proposal["language"], parts={"text": e.text, "justification": e.justification})


@projection.on(topic(Proposal, "GovernmentResponseRecorded"))
def government_response(s: Session, e: Any, position: int) -> None:
    _put(s, position, key=f"government_response:{_pid(e)}:{position}", kind="government_response", proposal_id=_pid(e),
         label=e.country, language=e.language, parts={"response": e.response})


# ---------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class Hit:
    """One text found: its kind (:data:`KINDS`), the proposal it belongs to (id, reference,
    title, table-free), its own label (an amendment's reference, a response's country code)
    and a snippet as ``(text, marked)`` pieces: ``marked`` pieces are the words that matched,
    to be shown highlighted; the pieces are plain text, to be escaped by whoever shows them."""

    kind: str
    proposal_id: str
    reference: str
    title: str
    label: str
    language: str
    snippet: list[tuple[str, bool]]


@dataclass(frozen=True)
class Results:
    """One page of hits, in a stable order, and how many there are in all."""

    query: str
    total: int
    hits: list[Hit] = field(default_factory=list)


def _match(engine: Engine, query: str) -> Any | None:
    """The condition on ``view_search_documents`` (joined with the index) that a query's
    words meet, each in the document's own language; None when the query has no word."""
    index, docs = view_search_index, view_search_documents
    conditions = []
    for language in LANGUAGES:
        groups = query_groups(query, language)
        if not groups:
            return None
        if engine.dialect.name == "postgresql":
            expression = " & ".join("(" + " | ".join(f"'{t}'" for t in g) + ")" for g in groups)
            met = _TSVECTOR.op("@@")(func.to_tsquery(literal_column("'simple'"), expression))
        else:
            expression = " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)
            matched = text(f"{index.name} MATCH :q_{language}").bindparams(**{f"q_{language}": expression})
            met = index.c.rowid.in_(select(literal_column("rowid")).select_from(index).where(matched))
        conditions.append(and_(docs.c.language == language, met))
    return or_(*conditions)


def search(engine: Engine, query: str, *, limit: int = 10, offset: int = 0) -> Results:
    """The texts whose words meet every word of ``query`` (at most 12 count), one page of
    them: proposals first, then amendments, then government responses, each by the
    proposal's reference and the document's position in the log.

    Raises nothing for any query text: a query without words finds nothing."""
    condition = _match(engine, query)
    if condition is None:
        return Results(query=query, total=0)
    docs, index = view_search_documents, view_search_index
    proposal = docs.alias("proposal_doc")
    found = (
        select(docs, proposal.c.label.label("reference"), proposal.c.parts.label("proposal_parts"))
        .select_from(docs.join(index, index.c.rowid == docs.c.id).join(proposal, and_(proposal.c.kind == "proposal", proposal.c.proposal_id == docs.c.proposal_id)))
        .where(condition)
    )
    kind_order = case({k: n for n, k in enumerate(KINDS)}, value=docs.c.kind, else_=len(KINDS))
    with engine.connect() as c:
        total = int(c.execute(select(func.count()).select_from(found.subquery())).scalar_one())
        rows = c.execute(found.order_by(kind_order, proposal.c.label, docs.c.proposal_id, docs.c.position).limit(limit).offset(offset)).mappings().all()
    hits = [
        Hit(kind=r["kind"], proposal_id=r["proposal_id"], reference=r["reference"], title=r["proposal_parts"].get("title", ""),
            label=r["label"], language=r["language"], snippet=snippet(_text(r["parts"]), query, r["language"]))
        for r in rows
    ]
    return Results(query=query, total=total, hits=hits)


def snippet(body: str, query: str, language: str, size: int = SNIPPET_WORDS) -> list[tuple[str, bool]]:
    """A window of about ``size`` words of ``body`` around its first word that meets the
    query, as ``(text, marked)`` pieces (every matching word of the window marked)."""
    groups = query_groups(query, language)
    spans = [(m.start(), m.end()) for m in WORD.finditer(body)]
    hits = [i for i, (a, b) in enumerate(spans) if matches_word(body[a:b], language, groups)]
    first = max(0, (hits[0] if hits else 0) - size // 3)
    window = spans[first:first + size]
    if not window:
        return [(body[:200], False)] if body else []
    start = window[0][0]
    end = len(body) if first + size >= len(spans) else window[-1][1]
    pieces: list[tuple[str, bool]] = [("… ", False)] if start > 0 else []
    cursor = start
    for a, b in window:
        if matches_word(body[a:b], language, groups):
            pieces += [(body[cursor:a], False), (body[a:b], True)]
            cursor = b
    pieces.append((body[cursor:end], False))
    if end < len(body):
        pieces.append((" …", False))
    return [(t, m) for t, m in pieces if t]

