"""The words of the search: folded (case, accents) and stemmed in a text's own language.

A word is indexed as two terms, and a word of a query matches when one of its two terms is
among the document's:

- its stem, folded: ``regularizaciones`` and ``regularización`` both give ``regulariz``;
- the stem of the folded word: what a person types without accents (``proteccion``) meets
  the text that has them (``protección``).

Stemming is the Snowball algorithm of the language (``snowballstemmer``), the same on
SQLite and PostgreSQL, so that both back ends find the same documents: PostgreSQL 15's own
Spanish stemmer gives ``regularizacion`` for the word without its accent but ``regulariz``
for ``regularizaciones`` (``docs/search.md``). Folding lowers the case, drops the accents
(Unicode decomposition) and spells out ``œ``, ``æ`` and ``ß``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

LANGUAGES = {"es": "spanish", "en": "english", "pt": "portuguese", "fr": "french"}
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 12
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def fold(text: str) -> str:
    """Lower case, without accents: ``"Protección"`` → ``"proteccion"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELLED_OUT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_stemmers = threading.local()


def _stemmer(language: str) -> snowballstemmer.Stemmer:  # type: ignore[name-defined]
    """This thread's stemmer of ``language``: a Snowball stemmer keeps the word it works on
    in itself, so one shared by two threads (a web process's, the inline views of two
    commands at once) would stem a word half-way into another thread's."""
    kept: dict[str, snowballstemmer.Stemmer] | None = getattr(_stemmers, "by_language", None)  # type: ignore[name-defined]
    if kept is None:
        kept = _stemmers.by_language = {}
    found = kept.get(language)
    if found is None:
        found = kept[language] = snowballstemmer.stemmer(LANGUAGES.get(language, "english"))
    return found


@lru_cache(maxsize=50_000)
def word_terms(word: str, language: str) -> tuple[str, ...]:
    """The one or two terms of one ``word`` in ``language`` (es, en, pt, fr; English else);
    kept for the words met again (each revision indexes its whole text anew)."""
    stem = _stemmer(language).stemWord
    lowered = word.casefold()
    return tuple(dict.fromkeys((fold(stem(lowered)), stem(fold(lowered)))))


def words(text: str) -> list[str]:
    """The words of a text, in order (letters and digits; ``_`` separates)."""
    return WORD.findall(text)


def index_terms(text: str, language: str) -> str:
    """The terms of a document's text, space-separated, for the index."""
    seen: dict[str, None] = {}
    for w in words(text):
        for term in word_terms(w, language):
            seen.setdefault(term, None)
    return " ".join(seen)


def query_groups(query: str, language: str) -> list[tuple[str, ...]]:
    """The query's words as groups of terms in ``language``: a document matches when it
    holds a term of every group. At most :data:`MAX_QUERY_WORDS` words count."""
    groups = [word_terms(w, language) for w in words(query)[:MAX_QUERY_WORDS]]
    return list(dict.fromkeys(groups))


def matches_word(word: str, language: str, groups: list[tuple[str, ...]]) -> bool:
    """Whether ``word`` of a document in ``language`` meets a group of the query (to mark it)."""
    terms = set(word_terms(word, language))
    return any(terms & set(g) for g in groups)
