"""Every view whose rows an erasure blanks in place is vacuumed by the scrub on PostgreSQL
(``application.scrub.SCRUBBED_VIEW_TABLES``): an UPDATE leaves the old row version, with the
person's words, in the table's pages until then."""

from __future__ import annotations

from application.scrub import SCRUBBED_VIEW_TABLES
from projections import elections, people, sessions


def test_the_views_an_erasure_blanks_are_all_vacuumed_by_the_scrub() -> None:
    blanked = {
        people.view_participants.name, people.view_participation.name,
        sessions.view_positions.name,  # the reasons of positions
        elections.view_candidacies.name,  # a candidate's statement and criteria
    }

    assert blanked - set(SCRUBBED_VIEW_TABLES) == set()
