"""Open data (issue 15; ``docs/open-data.md``): the published recommendations and what
came of them, as CSV, JSON and XLSX described by a Frictionless Data Package, built from
the log up to a stated position.

- :mod:`application.open_data.cells`: how a value is written in a cell (formula prefix,
  multi-valued fields);
- :mod:`application.open_data.model`: the tables, their fields and their rows;
- :mod:`application.open_data.formats`: the files and the package descriptor;
- :mod:`application.open_data.export`: the export as of a position (the auditors' replay).
"""

from __future__ import annotations

from application.open_data.export import OpenDataExport, build_export, head_position

__all__ = ["OpenDataExport", "build_export", "head_position"]
