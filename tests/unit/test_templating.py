"""The pages' Jinja environment (web/templating.py): a template's globals list their keys as a
dict does, with the same keys, order and values as Jinja's own ``ChainMap``, and an imported
template still gets the importing page's globals."""

from __future__ import annotations

from collections import ChainMap

import pytest
from flask import Flask, render_template_string
from jinja2 import DictLoader

from tests.e2e.web_support import make_app
from web.templating import TemplateEnvironment, TemplateGlobals
from web.templating import init_app as init_templating


def _app() -> Flask:
    app = Flask(__name__)
    init_templating(app)
    app.jinja_loader = DictLoader({  # type: ignore[assignment]
        "macros.html": "{% macro shout(text) %}{{ text|upper }}{{ mark }}{% endmacro %}",
        "page.html": '{% from "macros.html" import shout with context %}{{ shout(word) }}',
    })
    return app


def test_the_app_gives_its_templates_globals_whose_keys_are_a_dict_view() -> None:
    app = _app()
    template = app.jinja_env.get_template("page.html")

    assert (type(app.jinja_env), type(template.globals), type(template.globals.keys())) == (TemplateEnvironment, TemplateGlobals, type({}.keys()))


def test_the_keys_order_and_values_are_those_of_jinja_chain_map() -> None:
    own, shared = {"b": 20, "z": 26}, {"a": 1, "b": 2, "c": 3}
    ours, jinjas = TemplateGlobals(own, shared), ChainMap(own, shared)

    assert (list(ours.keys()), list(ours), dict(ours)) == (list(jinjas.keys()), list(jinjas), dict(jinjas))
    assert (list(ours), ours["b"]) == (["a", "b", "c", "z"], 20)


def test_a_global_added_to_the_environment_after_loading_shows_through() -> None:
    app = _app()
    template = app.jinja_env.get_template("page.html")
    app.jinja_env.globals["late"] = "here"

    keys = template.globals.keys()

    assert ("late" in keys, template.globals["late"]) == (True, "here")


def test_an_imported_macro_gets_the_page_context_and_a_global_added_late() -> None:
    app = _app()
    with app.test_request_context("/"):
        first = render_template_string('{% include "page.html" %}', word="hola", mark="!")
        app.jinja_env.globals["mark"] = "?"  # a global the importing page did not pass
        second = app.jinja_env.get_template("page.html").render(word="adiós")

    assert (first, second) == ("HOLA!", "ADIÓS?")


def test_installing_after_the_environment_was_built_is_refused() -> None:
    app = Flask(__name__)
    assert app.jinja_env is not None

    with pytest.raises(RuntimeError, match="built before"):
        init_templating(app)


def test_the_service_app_renders_its_pages_with_this_environment(sqlite_url: str, master_key: str) -> None:
    app = make_app(sqlite_url, master_key)

    assert (type(app.jinja_env), type(app.jinja_env.get_template("base.html").globals)) == (TemplateEnvironment, TemplateGlobals)
