"""An index for a board's topic list: machina's Topic has one on (type, last_post_on) only.

The board page lists a board's topics by ``-type, -last_post_on``; with the board in the index
PostgreSQL reads a page's rows in order from the board's part alone, instead of walking every
board's topics backwards and keeping one in three (互助) or one in thirty (an owners' board).
machina's table, so raw SQL here rather than a change to machina's model (its migrations stay
machina's); ``IF NOT EXISTS`` both ways keeps it safe to run on a database that has it.
"""

from django.db import migrations

INDEX = "boards_topic_forum_type_last_post"


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0005_notification_case_kind"),
        ("forum_conversation", "0013_auto_20201220_1745"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} "
                "ON forum_conversation_topic (forum_id, type, last_post_on)"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
