"""The pages' Jinja environment: Flask's, with template globals whose keys are a dict's.

Jinja gives each template its globals as a ``ChainMap`` of the template's own globals over
the environment's (about 65 here: the labels, the helpers, the navigation). Every
``{% import %}`` and ``{% from … import … %}`` with the page's context works out which of
the context's globals the imported template lacks (``ctx.globals_keys - template.globals.keys()``,
``Template._get_default_module``), and each new context copies the globals. A ``ChainMap``'s
``keys()`` is a Python view whose membership test walks its maps in Python, once per key:
about 65 Python calls per import (the board makes 3, a proposal page 7). :class:`TemplateGlobals`
answers ``keys()`` and iteration with a dict's own key view, so that difference and those
copies run in C. It is still a ``ChainMap`` over the same maps (a change to the
environment's globals shows through, as Jinja documents), with the same keys in the same
order; only how they are listed changes.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, KeysView, MutableMapping
from typing import Any

from flask import Flask
from flask.templating import Environment


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals (its own over the environment's) whose keys are a dict's view."""

    def keys(self) -> KeysView[str]:
        """The keys of every map, in :class:`ChainMap`'s order, as a dict's key view (a set
        difference or a membership test with it runs in C)."""
        own, *rest = self.maps
        if not own and len(rest) == 1:  # a template without globals of its own: the environment's
            return rest[0].keys()
        merged: dict[str, None] = {}
        for mapping in reversed(self.maps):
            merged.update(dict.fromkeys(mapping))
        return merged.keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())


class TemplateEnvironment(Environment):
    """Flask's Jinja environment, giving templates :class:`TemplateGlobals`."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)


def init_app(app: Flask) -> None:
    """Have ``app`` build its Jinja environment as a :class:`TemplateEnvironment` (before
    anything reads ``app.jinja_env``, which builds it once)."""
    if "jinja_env" in app.__dict__:
        raise RuntimeError("the Jinja environment was built before web.templating.init_app")
    app.jinja_environment = TemplateEnvironment  # type: ignore[assignment]
