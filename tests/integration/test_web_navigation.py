"""The layout's main navigation (web/navigation.py): the page shown is marked, the labels are
in the reader's language, and the addresses follow the script root the site is served under."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.web_support import make_app

NAV = re.compile(r'<nav aria-label="[^"]*">\s*<ul>(.*?)</ul>', re.S)


def _main_links(page: str) -> list[str]:
    found = NAV.search(page)
    assert found is not None
    return re.findall(r"<li>(.*?)</li>", found.group(1))


def test_a_page_under_a_links_address_is_marked_as_that_link(tmp_path: Path, master_key: str) -> None:
    client = make_app(f"sqlite:///{tmp_path / 'd.sqlite'}", master_key).test_client()

    links = _main_links(client.get("/sessions?lang=en").get_data(as_text=True))

    assert [link for link in links if "aria-current" in link] == ['<a href="/sessions" aria-current="page">Table sessions</a>']
    assert len(links) == 11


def test_the_labels_are_in_the_readers_language(tmp_path: Path, master_key: str) -> None:
    client = make_app(f"sqlite:///{tmp_path / 'd.sqlite'}", master_key).test_client()

    links = _main_links(client.get("/?lang=pt").get_data(as_text=True))

    assert links[0] == '<a href="/" aria-current="page">Recomendações em rascunho</a>'
    assert links[-1] == '<a href="/audit">Auditoria</a>'


def test_the_addresses_follow_the_script_root_of_each_request(tmp_path: Path, master_key: str) -> None:
    client = make_app(f"sqlite:///{tmp_path / 'd.sqlite'}", master_key).test_client()

    plain = _main_links(client.get("/?lang=en").get_data(as_text=True))
    prefixed = _main_links(client.get("/?lang=en", environ_overrides={"SCRIPT_NAME": "/dialogue"}).get_data(as_text=True))

    assert plain[2] == '<a href="/tables">Working tables</a>'
    assert prefixed[2] == '<a href="/dialogue/tables">Working tables</a>'
