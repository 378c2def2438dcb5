"""The message catalogues of the web pages: every message of the pages is translated in
Spanish, Portuguese and French, with the same placeholders, and the compiled ``.mo``
files are those of the ``.po`` files (run the commands of ``web/babel.cfg`` after
changing a message)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
LANGS = ("es", "pt", "fr")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _source_messages() -> set[str | tuple[str, ...]]:
    with open(ROOT / "web" / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(lang: str) -> Catalog:
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def test_the_template_lists_every_message_of_the_pages() -> None:
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        template = {m.id for m in read_po(f) if m.id}

    assert _source_messages() == {m if isinstance(m, str) else tuple(m) for m in template}


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_with_its_placeholders(lang: str) -> None:
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        template = [m.id for m in read_po(f) if m.id]
    catalog = _catalog(lang)
    problems = []
    for msgid in template:
        msg = catalog.get(msgid if isinstance(msgid, str) else msgid[0])
        strings = [] if msg is None else ([msg.string] if isinstance(msg.string, str) else list(msg.string))
        if msg is None or not all(strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        ids = [msgid] if isinstance(msgid, str) else list(msgid)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_is_its_own_text_written_twice(lang: str) -> None:
    # a msgstr left on its line while an update wrapped the same text below it reads twice
    doubled = [m.id for m in _catalog(lang) if m.id and isinstance(m.string, str) and len(m.string) > 1
               and len(m.string) % 2 == 0 and m.string[: len(m.string) // 2] == m.string[len(m.string) // 2:]]

    assert doubled == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_is_the_current_one(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    compiled.seek(0)
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo", "rb") as f:
        shipped = read_mo(f)

    fresh = read_mo(compiled)
    assert _pairs(shipped) == _pairs(fresh)


def _pairs(catalog: Catalog) -> dict[object, object]:
    def frozen(v: object) -> object:
        return tuple(v) if isinstance(v, list | tuple) else v

    return {frozen(m.id): frozen(m.string) for m in catalog if m.id}


# ---------------------------------------------------------------------------- refusal messages
CODE_LITERAL = re.compile(r"""\bcode\s*=\s*["']([a-z0-9_]+)["']""")
DOC_CODE = re.compile(r"`([a-z0-9_]+)`")


def _codes_in_rules_doc() -> set[str]:
    """The error codes of ``docs/rules.md``: the backquoted words of the column headed
    "code" (or "default code") of each of its tables."""
    codes: set[str] = set()
    column: int | None = None
    for line in (ROOT / "docs" / "rules.md").read_text("utf-8").splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column is None:
            column = next((i for i, c in enumerate(cells) if "code" in c), -1)
            continue
        if column < 0 or set("".join(cells)) <= set("-: "):
            continue
        codes |= set(DOC_CODE.findall(cells[column]))
    return codes


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for folder in ("domain", "application"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found |= set(CODE_LITERAL.findall(path.read_text("utf-8")))
    return found


def test_the_rules_doc_yields_the_codes_of_its_tables() -> None:
    codes = _codes_in_rules_doc()

    assert {"gender_parity", "minutes_required", "stale_version", "domain_error", "unreadable_event"} <= codes
    assert not {"draft", "support", "quorum", "seq"} & codes  # statuses and fields, not codes


def test_every_error_code_of_the_rules_has_a_message_in_the_pages() -> None:
    from web.i18n import ERROR_MESSAGES

    missing = sorted((_codes_in_rules_doc() | _codes_in_source()) - set(ERROR_MESSAGES))

    assert missing == []

