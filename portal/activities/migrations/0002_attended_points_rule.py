from django.db import migrations


def forwards(apps, schema_editor):
    # The member handbook promises 50 points for each activity attended.
    PointsRule = apps.get_model("portal", "PointsRule")
    PointsRule.objects.get_or_create(
        code="activity_attended",
        defaults={
            "name": "参加会员活动",
            "reward_points": 50,
            "upgrade_points": 50,
            "category": "membership",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("portal", "0007_points_holds_and_notices"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
