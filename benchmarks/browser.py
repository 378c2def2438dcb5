"""One person's browser over HTTP (standard library only): its own cookies, redirects not
followed, forms fetched before they are sent. Used by the HTTP benchmark and by the tests
that drive a running server."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

FIELD = r'name="{}"[^>]*value="([^"]*)"'


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One person's cookies; ``get`` gives the page, ``post`` the status (redirects not followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as r:
            return str(r.read().decode("utf-8"))

    def post(self, path: str, data: dict[str, Any]) -> int:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as r:
                r.read()
                return int(r.status)
        except urllib.error.HTTPError as e:
            e.close()
            return int(e.code)

    def sign_in(self, email: str, password: str) -> int:
        """Sign in through the sign-in form (the status of its answer: 302 when signed in)."""
        page = self.get("/login")
        return self.post("/login", {"email": email, "password": password, "csrf_token": Browser.field(page, "csrf_token")})

    @staticmethod
    def field(page: str, name: str) -> str:
        """The value of the form field ``name`` in ``page``."""
        found = re.search(FIELD.format(name), page)
        if not found:
            raise RuntimeError(f"no {name} in the form")
        return found.group(1)
