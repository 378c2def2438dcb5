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
    app = create_app({"DIALOGUE_DATABASE_URL": f"sqlite:///{tmp_path / 'd.sqlite'}", "DIALOGUE_MASTER_KEY": generate_master_key(), "SECRET_KEY": "t"})
    form: Any = OneField()
    form.title.errors = ["Not a valid date."]
    with app.test_request_context("/"):
        html = render_template_string(
            "{% from 'common/_macros.html' import field %}{{ field(form.title, errors=['Not a valid date.']) }}", form=form
        )
    assert html.count("Not a valid date.") == 1
