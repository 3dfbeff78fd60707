"""A narrow table of postings beside the document table (PostgreSQL): one row per word of a
document, ordered by (word, created, document) in an index.

A one-word search walks that index newest first and stops after enough matches the reader may
see (search/backends/database.py): its work grows with the candidate limit, not with how many
documents hold the word or how many fall in a date window. The GIN index still answers
searches of several words. Triggers keep the table in step with `search_searchdocument`
(whatever writes it: the queue, `search_reindex`'s COPY and upsert, deletes), so the index stays
rebuildable from the database. The backfill below writes the postings of the documents already
indexed. SQLite has no such table: FTS5 answers there.
"""

from django.db import migrations

POSTGRESQL = [
    # forum_id lets the index answer "a board the reader may read" without the document row.
    "CREATE TABLE search_posting ("
    " term text NOT NULL,"
    " created timestamp with time zone NOT NULL,"
    " document_id integer NOT NULL,"
    " forum_id integer"
    ")",
    # Statement-level triggers with transition tables: one INSERT … SELECT per statement, so a
    # batch of the rebuild costs one statement, not one per document.
    """
    CREATE FUNCTION search_posting_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO search_posting (term, created, document_id, forum_id)
        SELECT word.lexeme, added.created, added.id, added.forum_id
        FROM added_rows AS added, unnest(added.search_vector) AS word;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_posting_remove() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_posting AS posting
        USING removed_rows AS removed, unnest(removed.search_vector) AS word
        WHERE posting.term = word.lexeme
          AND posting.created = removed.created
          AND posting.document_id = removed.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_posting_replace() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM search_posting AS posting
        USING removed_rows AS removed, unnest(removed.search_vector) AS word
        WHERE posting.term = word.lexeme
          AND posting.created = removed.created
          AND posting.document_id = removed.id;
        INSERT INTO search_posting (term, created, document_id, forum_id)
        SELECT word.lexeme, added.created, added.id, added.forum_id
        FROM added_rows AS added, unnest(added.search_vector) AS word;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION search_posting_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_posting;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER search_posting_ai AFTER INSERT ON search_searchdocument "
    "REFERENCING NEW TABLE AS added_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_posting_add()",
    "CREATE TRIGGER search_posting_ad AFTER DELETE ON search_searchdocument "
    "REFERENCING OLD TABLE AS removed_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_posting_remove()",
    "CREATE TRIGGER search_posting_au AFTER UPDATE ON search_searchdocument "
    "REFERENCING OLD TABLE AS removed_rows NEW TABLE AS added_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION search_posting_replace()",
    "CREATE TRIGGER search_posting_at AFTER TRUNCATE ON search_searchdocument "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_posting_clear()",
    # After the triggers: their lock holds other writers off until this commits, so the
    # backfill misses no document written meanwhile. The index is built once, after it.
    "INSERT INTO search_posting (term, created, document_id, forum_id) "
    "SELECT word.lexeme, document.created, document.id, document.forum_id "
    "FROM search_searchdocument AS document, unnest(document.search_vector) AS word",
    "CREATE INDEX search_posting_term ON search_posting (term, created, document_id) "
    "INCLUDE (forum_id)",
    # The most common words' frequencies choose which word's postings a search walks.
    "ALTER TABLE search_posting ALTER COLUMN term SET STATISTICS 1000",
    "ANALYZE search_posting",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS search_posting_at ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_posting_au ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_posting_ad ON search_searchdocument",
    "DROP TRIGGER IF EXISTS search_posting_ai ON search_searchdocument",
    "DROP FUNCTION IF EXISTS search_posting_clear()",
    "DROP FUNCTION IF EXISTS search_posting_replace()",
    "DROP FUNCTION IF EXISTS search_posting_remove()",
    "DROP FUNCTION IF EXISTS search_posting_add()",
    "DROP TABLE IF EXISTS search_posting",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_activities_kind")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
