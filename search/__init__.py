"""The site search: one interface over an embedded database index (default) and Elasticsearch
(``ELASTICSEARCH_URL``), Chinese-aware segmentation, highlighting, and the indexing queue
(``queue``) that keeps the index in step with the database after each commit. Results are
filtered by audience: nobody finds what they may not read. The index can always be rebuilt from
the database (``search_reindex``).
"""
