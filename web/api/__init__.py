"""The JSON API (to come: flask-smorest blueprints, one module per area like ``web/pages/``).

Empty for now: it holds the place where the API's modules go, so that pages
(``web/pages/``), the command line (``web/cli/``) and the API stay apart.
"""
