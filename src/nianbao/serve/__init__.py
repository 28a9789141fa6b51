"""nianbao serve: the county collection portal and the local check page (Django + waitress).

A thin adapter: reading, checking, annotating, text, export and merge are the
library's; the portal adds identities (private links, county accounts),
storage (content-addressed blobs, a database of versions) and state
(states.py). Needs the serve extra (``pip install ".[serve]"`` in a checkout: nianbao is not on PyPI).
"""
