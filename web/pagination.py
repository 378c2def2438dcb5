"""Pages of a long list: ``?page=N`` (1-based, at most 1,000,000; anything else is a 400,
a page past the end shows the last one), a page count, and the addresses of the previous and next
pages that the list's navigation and the document's ``<link rel="prev|next">`` use. The
other query arguments (filters, language) are kept."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request

from web.query import int_arg

MAX_PAGE = 1_000_000
PER_PAGE = 10  # cards with their provenance: ten fill a few screens of a phone


def asked_page(param: str = "page") -> int:
    return int_arg(param, 1, low=1, high=MAX_PAGE) or 1


@dataclass(frozen=True)
class Pager:
    """Page ``number`` of ``pages`` over ``total`` items, ``per_page`` each; ``param`` is
    the query argument that names the page (``page``; another for a second list on a page)."""

    number: int
    total: int
    per_page: int = PER_PAGE
    param: str = "page"

    @classmethod
    def asked(cls, total: int, per_page: int = PER_PAGE, param: str = "page") -> Pager:
        """The page the request asks for, kept within the pages that exist."""
        last = max(1, -(-total // per_page))
        return cls(min(asked_page(param), last), total, per_page, param)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def url(self, number: int) -> str:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != self.param]
        if number > 1:
            args.append((self.param, str(number)))
        return request.path + ("?" + urlencode(args) if args else "")

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.pages else None
