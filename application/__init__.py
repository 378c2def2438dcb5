"""The application layer: commands, authorisation, persistence wiring and the scenario loader.

The only layer that loads and saves aggregates (STYLE.md, "Where code may import from").
"""
