"""The domain of the Open and Permanent Dialogue Mechanism on the GCM (LAC).

Plain Python on top of ``eventsourcing.domain``: aggregates, their events, the rules
that guard every command and the reference data of the mechanism. Nothing here
imports Flask, SQLAlchemy or the application layer.
"""
