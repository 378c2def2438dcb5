"""The translations kept per request (web/translate.py): the request's language, a language
forced for a mail within the request, and the request's language again after it."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale

from web import i18n
from web.labels import participation_label
from web.translate import gettext, ngettext


def _app() -> Flask:
    app = Flask("web.app")  # the web package's folder: its translations/
    i18n.init_app(app)
    return app


def test_a_label_is_in_the_language_the_request_asked_for() -> None:
    with _app().test_request_context("/?lang=pt"):
        assert participation_label("south_america") == "América do Sul"


def test_a_forced_language_gets_its_own_translations_and_the_request_its_own_after() -> None:
    with _app().test_request_context("/?lang=pt"):
        assert gettext("South America") == "América do Sul"
        with force_locale("fr"):
            assert gettext("South America") == "Amérique du Sud"
            assert participation_label("south_america") == "Amérique du Sud"
        assert gettext("South America") == "América do Sul"


def test_templates_translate_through_the_kept_translations() -> None:
    with _app().test_request_context("/?lang=es"):
        assert render_template_string("{{ _('South America') }}") == "América del Sur"
        with force_locale("fr"):
            assert render_template_string("{{ _('South America') }}") == "Amérique du Sud"


def test_plural_forms_fill_the_number() -> None:
    with _app().test_request_context("/?lang=en"):
        assert ngettext("%(num)s abstention", "%(num)s abstentions", 2) == "2 abstentions"
        assert ngettext("%(num)s abstention", "%(num)s abstentions", 1) == "1 abstention"


def test_outside_a_request_the_message_is_left_as_written() -> None:
    assert gettext("South America") == "South America"
