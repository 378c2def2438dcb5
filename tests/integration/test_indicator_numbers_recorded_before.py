"""An indicator's number recorded before the range of indicators' numbers was a rule (an
event of an older release may hold 1e307) still shows on the recommendation's page, in
scientific notation in the reader's locale, instead of breaking the page."""

from __future__ import annotations

import pytest
from flask import Flask

from domain import commission
from tests.e2e.web_support import visible
from tests.integration.test_web_commission import measure
from tests.integration.test_web_commission import site as site  # noqa: F401, PLC0414  (the fixture)
from web import commission_forms
from web.typed_numbers import Reading


def test_a_huge_measurement_of_an_older_release_still_shows_on_the_recommendations_page(
    site: tuple[Flask, str], monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    web, pid = site
    with monkeypatch.context() as older_release:  # the rule did not exist yet, nor the reading of typed numbers
        older_release.setattr(commission, "_bounded", lambda value: True)
        older_release.setattr(commission_forms, "read_number", lambda text, language: Reading(float(text)))
        assert measure(web, pid, period="2027", value="1e307").status_code == 302

    spanish, english = web.test_client().get(f"/proposals/{pid}?lang=es"), web.test_client().get(f"/proposals/{pid}?lang=en")

    assert (spanish.status_code, english.status_code) == (200, 200)
    assert "1E307" in visible(spanish) and "1E307" in visible(english)
