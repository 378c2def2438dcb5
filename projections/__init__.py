"""Read models built from the event log (DESIGN.md, "Projections").

Each view follows the notification log and writes its rows and its tracking position in
one transaction (exactly once), and can be rebuilt from an empty database to the same
rows. Imports ``domain`` event classes and SQLAlchemy only, never ``application``/``web``.
"""
