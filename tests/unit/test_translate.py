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


def test_a_templates_label_escapes_its_arguments_where_the_template_autoescapes() -> None:
    app = _app()
    with app.test_request_context("/?lang=en"):
        assert app.jinja_env.from_string("{{ _('version %(v)s', v='<b>') }}").render() == "version &lt;b&gt;"


def test_a_plain_text_templates_label_keeps_its_arguments_as_they_are() -> None:
    with _app().test_request_context("/?lang=en"):
        assert render_template_string("{% autoescape false %}{{ _('version %(v)s', v='<b>') }}{% endautoescape %}") == "version <b>"


def test_a_templates_plural_label_fills_the_number_in_the_readers_language() -> None:
    with _app().test_request_context("/?lang=pt"):
        assert render_template_string("{{ ngettext('%(num)d proposal', '%(num)d proposals', 3) }}") == "3 propostas"


def test_the_current_language_follows_a_forced_language_and_comes_back() -> None:
    with _app().test_request_context("/?lang=pt"):
        assert i18n.current_language() == "pt"
        with force_locale("fr"):
            assert i18n.current_language() == "fr"
        assert i18n.current_language() == "pt"


def test_outside_a_request_the_language_is_the_default() -> None:
    assert i18n.current_language() == "es"
