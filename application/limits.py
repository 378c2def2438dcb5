"""The domain's limits of the texts that commands take, for the web's schemas (the API's
document states them, ``web/api/inputs.py``): one source, the aggregates' constants, which
the aggregates check (``text_too_long``); and the range of an indicator's numbers, which the
pages need to write an older, larger one (``web/i18n.py``) and to check a typed number before
it becomes a float (``web/typed_numbers.py``)."""

from __future__ import annotations

from domain.base import MAX_FIELD_CHARS
from domain.commission import MAX_DECIMALS as INDICATOR_DECIMALS
from domain.commission import MAX_DIGITS as INDICATOR_DIGITS
from domain.commission import MAX_MAGNITUDE as INDICATOR_MAGNITUDE
from domain.commission import MAX_SIGNIFICANT as INDICATOR_SIGNIFICANT
from domain.commission import decimal_within_bounds as indicator_number_within
from domain.discussion import MAX_COMMENT
from domain.government_dialogue import MAX_TITLE as DIALOGUE_TITLE
from domain.liaison_table import MAX_AGENCY
from domain.proposal import MAX_TEXT as PROPOSAL_TEXT
from domain.proposal import MAX_TITLE as PROPOSAL_TITLE

__all__ = ["DIALOGUE_TITLE", "INDICATOR_DECIMALS", "INDICATOR_DIGITS", "INDICATOR_MAGNITUDE", "INDICATOR_SIGNIFICANT", "MAX_AGENCY", "MAX_COMMENT", "MAX_FIELD_CHARS", "PROPOSAL_TEXT", "PROPOSAL_TITLE",
           "indicator_number_within"]
