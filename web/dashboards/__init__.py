"""Charts of the public dashboards, drawn on the server as small SVG by matplotlib (no
JavaScript): :mod:`web.dashboards.draw` (heat map, bars) and :mod:`web.dashboards.lac_map` (the
33 LAC states, from Natural Earth 1:50m outlines in ``lac_map.json``).

Every function takes figures and labels already in the reader's language and returns
the SVG's bytes; the same input gives the same bytes (no date, fixed element ids).
"""
