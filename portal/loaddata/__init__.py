"""Tools that fill a database, not part of the product: ``seed_demo`` (the demo's accounts and
content, idempotent) and ``generate_load_data`` (club-scale data for benchmarks).

``core`` holds the load generator's plan, context, bulk writer and runner; ``text`` and
``cms_text`` its Chinese text pools. Each area's load step lives beside the area
(``portal.members.loaddata``, ``forum.boards.loaddata``, ``forum.cases.loaddata``,
``cms.loaddata``) and is named by its dotted path in ``core.LOAD_STEPS``, so the core imports
no domain.
"""
