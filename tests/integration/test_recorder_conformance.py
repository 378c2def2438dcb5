"""The library's own recorder conformance cases against the project's configured recorders.

eventsourcing ships ``AggregateRecorderTestCase``, ``ApplicationRecorderTestCase``,
``TrackingRecorderTestCase``, ``ProcessRecorderTestCase`` and
``NonInterleavingNotificationIDsBaseCase`` (``eventsourcing.tests.persistence``). Each runs
here on a SQLite file and on PostgreSQL (``DIALOGUE_TEST_POSTGRES_URL``), against:

- application recorder: :class:`application.persistence.DialogueRecorder`, built by
  :class:`application.persistence.DialogueFactory` exactly as the application builds it
  (events, hash chain and command tables written in one transaction);
- aggregate recorder: the same ``DialogueRecorder``. Adapted: it is an application
  recorder, so ``insert_events`` returns the notification ids where the aggregate case
  expects ``None``; :class:`AsAggregateRecorder` drops the return value, nothing else;
- tracking recorder: :class:`projections.tracking.LockingTrackingRecorder` on the views'
  tracking table (``view_tracking``), as :class:`projections.runner.ViewProjector` builds it;
- process recorder: the project has none of its own (no process application); the case
  runs against eventsourcing-sqlalchemy's ``SQLAlchemyProcessRecorder`` from
  ``DialogueFactory.process_recorder()`` on the same datastore.

No library test is skipped. ``optional_test_insert_subscribe`` (subscriptions) runs on
PostgreSQL only: eventsourcing-sqlalchemy implements ``subscribe()`` for PostgreSQL alone.
"""

from __future__ import annotations

import tempfile
import threading
import unittest
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, StoredEvent
from eventsourcing.tests.persistence import (
    AggregateRecorderTestCase,
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
    ProcessRecorderTestCase,
    TrackingRecorderTestCase,
)
from eventsourcing.utils import Environment
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy.orm import sessionmaker

from application.persistence import (
    APPLICATION_NAME,
    DialogueFactory,
    DialogueRecorder,
    dispose_engines,
    get_engine,
)
from projections.tracking import LockingTrackingRecorder
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, reset_postgres


class Database(unittest.TestCase):
    """Closes the engines after each test, once the threads the test started are done.

    Adapted: ``test_concurrent_no_conflicts`` leaves its two reader threads running
    after it returns; disposing the engine while they hold a connection would leave
    that connection to the garbage collector (a ``ResourceWarning``, an error here).
    """

    url: str

    def setUp(self) -> None:
        self._threads_before = set(threading.enumerate())
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        for t in set(threading.enumerate()) - self._threads_before:
            t.join(timeout=30)
        dispose_engines()


class SQLiteFile(Database):
    """A fresh SQLite file per test."""

    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.url = f"sqlite:///{self._dir.name}/conformance.sqlite"
        super().setUp()

    def tearDown(self) -> None:
        super().tearDown()
        self._dir.cleanup()


class Postgres(Database):
    """The PostgreSQL test database, emptied before each test."""

    def setUp(self) -> None:
        if not POSTGRES_URL:
            if REQUIRE_POSTGRES:
                self.fail("DIALOGUE_TEST_POSTGRES_URL is not set but DIALOGUE_REQUIRE_POSTGRES=1")
            raise unittest.SkipTest("PostgreSQL not configured (set DIALOGUE_TEST_POSTGRES_URL)")
        dispose_engines()
        reset_postgres(POSTGRES_URL)
        self.url = POSTGRES_URL
        super().setUp()


def factory(url: str) -> DialogueFactory:
    """The factory the application uses (``PERSISTENCE_MODULE=application.persistence:DialogueFactory``)."""
    return DialogueFactory(Environment(APPLICATION_NAME, {"SQLALCHEMY_URL": url, "CREATE_TABLE": "y"}))


def dialogue_recorder(url: str) -> DialogueRecorder:
    recorder = factory(url).application_recorder()
    assert isinstance(recorder, DialogueRecorder)
    return recorder


class AsAggregateRecorder(AggregateRecorder):
    """``DialogueRecorder`` seen as an aggregate recorder: ``insert_events`` returns None."""

    def __init__(self, recorder: DialogueRecorder) -> None:
        self.recorder = recorder

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        self.recorder.insert_events(stored_events, **kwargs)
        return None

    def select_events(
        self, originator_id: UUID | str, *, gt: int | None = None, lte: int | None = None, desc: bool = False, limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        return self.recorder.select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)


# ---------------------------------------------------------------------------- aggregate
class DialogueAggregateRecorderCase(AggregateRecorderTestCase):
    __test__ = False
    url: str

    def create_recorder(self) -> AggregateRecorder:
        return AsAggregateRecorder(dialogue_recorder(self.url))


class TestAggregateRecorderSQLite(SQLiteFile, DialogueAggregateRecorderCase):
    __test__ = True


class TestAggregateRecorderPostgres(Postgres, DialogueAggregateRecorderCase):
    __test__ = True


# ---------------------------------------------------------------------------- application
class DialogueApplicationRecorderCase(ApplicationRecorderTestCase[DialogueRecorder]):
    __test__ = False
    url: str

    def create_recorder(self) -> DialogueRecorder:
        return dialogue_recorder(self.url)


class TestApplicationRecorderSQLite(SQLiteFile, DialogueApplicationRecorderCase):
    __test__ = True


class TestApplicationRecorderPostgres(Postgres, DialogueApplicationRecorderCase):
    __test__ = True

    def test_insert_subscribe(self) -> None:
        self.optional_test_insert_subscribe()


class DialogueNonInterleavingCase(NonInterleavingNotificationIDsBaseCase):
    __test__ = False
    url: str

    def create_recorder(self) -> DialogueRecorder:
        return dialogue_recorder(self.url)


class TestNonInterleavingNotificationIdsSQLite(SQLiteFile, DialogueNonInterleavingCase):
    __test__ = True


class TestNonInterleavingNotificationIdsPostgres(Postgres, DialogueNonInterleavingCase):
    __test__ = True


# ---------------------------------------------------------------------------- tracking
class ViewsTrackingRecorderCase(TrackingRecorderTestCase):
    __test__ = False
    url: str

    def create_recorder(self) -> LockingTrackingRecorder:
        recorder = LockingTrackingRecorder(
            datastore=SQLAlchemyDatastore(session_maker=sessionmaker(bind=get_engine(self.url))),
            tracking_table_name="view_tracking",
        )
        recorder.create_table()
        return recorder


class TestTrackingRecorderSQLite(SQLiteFile, ViewsTrackingRecorderCase):
    __test__ = True


class TestTrackingRecorderPostgres(Postgres, ViewsTrackingRecorderCase):
    __test__ = True


# ---------------------------------------------------------------------------- process
class LibraryProcessRecorderCase(ProcessRecorderTestCase):
    __test__ = False
    url: str

    def create_recorder(self) -> Any:
        return factory(self.url).process_recorder()


class TestProcessRecorderSQLite(SQLiteFile, LibraryProcessRecorderCase):
    __test__ = True


class TestProcessRecorderPostgres(Postgres, LibraryProcessRecorderCase):
    __test__ = True
