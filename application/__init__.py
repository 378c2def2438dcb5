"""The application layer: commands, authorisation, persistence wiring and the scenario loader.

The only layer that loads and saves aggregates (docs/architecture.md, "Import arrows").
"""
