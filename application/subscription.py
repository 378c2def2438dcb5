"""The projection worker's LISTEN/NOTIFY subscription on PostgreSQL, without a pause.

eventsourcing-sqlalchemy's ``SQLAlchemySubscription`` listens in a thread that waits up to
0.1 s for the connection to become readable and, when nothing came, sleeps another 0.1 s
before waiting again: a notification that arrives during that sleep waits for it, so a
member's draft was answered after about 145 ms instead of 30 one time in two (the writer
waits for the worker, :meth:`application.bootstrap.Services.wait_for_views`). This
subscription's thread only waits on the connection: a notification is taken as soon as it
arrives. Everything else (reading the log after a wake, stopping, errors) is the library's.
"""

from __future__ import annotations

import select

from eventsourcing_sqlalchemy.recorders import SQLAlchemySubscription

# How long the listening thread waits on the connection before it looks whether it was
# stopped: bounds the time :meth:`stop` takes, not the delivery of a notification.
WAIT = 0.1


class PromptSubscription(SQLAlchemySubscription):
    """``SQLAlchemySubscription`` whose listening thread never sleeps between two waits."""

    def _listen(self) -> None:
        try:
            with self._recorder.datastore.get_connection() as sa_conn:
                sa_conn.execution_options(isolation_level="AUTOCOMMIT")
                raw = sa_conn.connection
                raw.cursor().execute(f"LISTEN {self._recorder.channel_name};")
                while not self._has_been_stopped and not self._thread_error:
                    if select.select([raw], [], [], WAIT)[0]:
                        # Reads what the server sent; a wake does not need every message.
                        for _ in raw.notifies(timeout=0, stop_after=1):
                            pass
                        self._has_been_notified.set()
        except BaseException as e:  # noqa: BLE001 - as the library: kept, then raised by the reader
            if self._thread_error is None:
                self._thread_error = e
            self.stop()
