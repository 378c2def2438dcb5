"""How the web forms read what was sent: the base of every Flask-WTF form of the site.

A browser posts a form's fields form-encoded. Flask-WTF also reads a JSON body, but takes
any JSON value as the fields, so a body such as ``1``, ``[1, 2]`` or ``"x"`` made a form
fail with a server error. Here a JSON body is read only when it is an object whose values
are texts (or lists of texts, for multiple choices); any other body is bad input and is
answered 400 (the site's error page, :mod:`web.pages.errors`) before anything is done.
A body nested too deeply is refused the same way (:mod:`web.json_body`).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest

from web.translate import gettext as _


class NotFormFields(BadRequest):
    """A body that is not a form's fields (answered with the site's 400 page)."""

    @property
    def message(self) -> str:
        return _("What was sent is not the fields of a form, so nothing was read or stored.")


def _is_text_or_texts(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def json_fields() -> ImmutableMultiDict[str, str]:
    """The fields of a JSON body (an object of texts), or a 400 for any other body."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(_is_text_or_texts(v) for v in body.values()):
        raise NotFormFields()
    return ImmutableMultiDict([(k, v) for k, vs in body.items() for v in ([vs] if isinstance(vs, str) else vs)])


def submitted_fields() -> MultiDict[str, Any] | None:
    """The fields the request sent, as every web form reads them (the forms and the
    confirmation pages alike): the form-encoded fields (with the files, if any); when no
    form field nor file was sent and the body is JSON, that body's fields
    (:func:`json_fields`, a 400 for a body that is not an object of texts); None when
    nothing was sent."""
    if request.files:
        return CombinedMultiDict((request.files, request.form))
    if request.form:
        return request.form
    if request.is_json:
        return json_fields()
    return None


class WebForm(FlaskForm):
    """Every web form's base: reads the fields of :func:`submitted_fields`."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is _Auto:
                return submitted_fields() if _is_submitted() else None
            return formdata
