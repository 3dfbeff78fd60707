"""A date index for the newest-first candidate query (PostgreSQL).

The database backend asks for the newest matches with a LIMIT (search/backends/database.py):
for a common word PostgreSQL walks this index and stops after enough matches instead of
reading every matching row. Only on PostgreSQL: SQLite's FTS5 query is driven by the
full-text table either way.
"""

from django.db import migrations

FORWARD = "CREATE INDEX IF NOT EXISTS search_document_created ON search_searchdocument (created, id)"
REVERSE = "DROP INDEX IF EXISTS search_document_created"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_merchant_kind")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
