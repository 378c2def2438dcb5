"""Form macros show each error message once, even when the form and the page both carry it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import render_template_string
from wtforms import Form, StringField

from application.persistence import generate_master_key
from web import create_app


class OneField(Form):
    title = StringField("Title")


def test_an_error_given_twice_is_shown_once(tmp_path: Path) -> None:
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    form: Any = OneField()
    form.title.errors = ["Not a valid date."]
    with app.test_request_context("/"):
        html = render_template_string(
            "{% from 'common/_macros.html' import field %}{{ field(form.title, errors=['Not a valid date.']) }}", form=form
        )
    assert html.count("Not a valid date.") == 1


TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def test_no_template_writes_a_form_control_by_hand() -> None:
    """Every input, select and textarea comes from the shared macros (common/_macros.html)."""
    hand_written = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html")) if path != TEMPLATES / "common" / "_macros.html"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if any(tag in line for tag in ("<input", "<select", "<textarea"))
    ]
    assert hand_written == []


def test_a_repeated_select_names_its_options_and_links_its_error(tmp_path: Path) -> None:
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    with app.test_request_context("/"):
        html = render_template_string(
            "{% from 'common/_macros.html' import select %}"
            "{{ select('seat', 'Seat', ['LT-RT1-A', 'LT-RT1-B'], 'LT-RT1-B', ['Choose your seat.'], id='seat-2', text_of=upper) }}",
            upper=lambda s: s.lower(),
        )
    assert '<label for="seat-2">Seat</label>' in html
    assert '<p class="error" id="seat-2-error">Choose your seat.</p>' in html
    assert '<select id="seat-2" name="seat" aria-describedby="seat-2-error" aria-invalid="true">' in html
    assert '<option value="LT-RT1-A">lt-rt1-a</option><option value="LT-RT1-B" selected>lt-rt1-b</option>' in html


def test_radios_of_a_repeated_form_get_ids_of_their_own(tmp_path: Path) -> None:
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": "test-secret-key-0123456789abcdef"})
    with app.test_request_context("/"):
        html = render_template_string(
            "{% from 'common/_macros.html' import choices %}{{ choices('vote', 'Vote', ['endorse', 'object'], 'object', id='vote-3') }}"
        )
    assert '<input type="radio" name="vote" value="endorse" id="vote-3-endorse">' in html
    assert '<input type="radio" name="vote" value="object" id="vote-3-object" checked>' in html
