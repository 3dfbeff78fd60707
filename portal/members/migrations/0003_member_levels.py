from django.db import migrations

LEVELS = (
    # code, name, rank, upgrade points threshold
    ("basic", "普卡", 1, 0),
    ("silver", "银卡", 2, 1000),
    ("gold", "金卡", 3, 5000),
    ("platinum", "白金卡", 4, 20000),
)


def create_levels(apps, schema_editor):
    MemberLevel = apps.get_model("portal", "MemberLevel")
    for code, name, rank, threshold in LEVELS:
        MemberLevel.objects.get_or_create(
            code=code,
            defaults={"name": name, "rank": rank, "upgrade_points_threshold": threshold},
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_member_level")]

    operations = [migrations.RunPython(create_levels, migrations.RunPython.noop)]
