"""The reader's translations, looked up once per request and locale.

Flask-Babel finds the translations of every message anew: the request's context, its domain,
its locale and the locale's name, for each of the hundreds of labels a long page shows (about a
third of the board's rendering). Here the translations found for the request's locale are kept
on the request's Babel context, keyed by that locale, so ``force_locale`` (a mail in its
reader's language) still gets its own. Templates use these through ``install``; the label tables
through ``lazy_gettext``.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import LazyString, get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup


def translations() -> NullTranslations:
    """The translations of the current locale (Flask-Babel's, found once per request and
    locale); outside a request, Flask-Babel's answer (no translation)."""
    try:
        ctx = g._flask_babel
        locale = ctx.babel_locale
    except (AttributeError, RuntimeError):
        return get_translations()
    if locale is None:
        return get_translations()
    kept = getattr(ctx, "dialogue_translations", None)
    if kept is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    # Flask-Babel sets the locale while finding the translations: key them by what it chose.
    ctx.dialogue_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def gettext(string: str, **variables: Any) -> str:
    """``string`` in the reader's language, with ``%(name)s`` filled from ``variables``."""
    s = translations().ugettext(string)
    return s % variables if variables else s


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The plural form for ``num`` in the reader's language; ``%(num)s`` is ``num``."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``gettext`` when the string is used (label tables built at import)."""
    return LazyString(gettext, string, **variables)


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    """A template's ``_``/``gettext``: Jinja's "newstyle" gettext (the translation, made
    ``Markup`` where the template autoescapes, always formatted with ``variables``) in one
    call. Jinja's own is three calls through the template's context for each label (its
    ``_`` alias, the newstyle wrapper, the translation), about a third of the template calls
    of a page."""
    rv = translations().ugettext(string)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables  # type: ignore[no-any-return]


@pass_eval_context
def template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """A template's ``ngettext``, newstyle as :func:`template_gettext` (``%(num)s`` is ``num``)."""
    variables.setdefault("num", num)
    rv = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables  # type: ignore[no-any-return]


def install(app: Flask) -> None:
    """Templates' ``_``/``gettext``/``ngettext`` through ``translations`` (after Flask-Babel,
    which installs its own)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
