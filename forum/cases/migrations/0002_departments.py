from django.db import migrations

DEPARTMENTS = (
    ("design", "设计部"),
    ("engineering", "工程部"),
    ("property", "物业服务中心"),
)


def create_departments(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Department = apps.get_model("cases", "Department")
    for code, name in DEPARTMENTS:
        group, _created = Group.objects.get_or_create(name=f"部门：{name}")
        Department.objects.get_or_create(code=code, defaults={"name": name, "staff_group": group})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create_departments, migrations.RunPython.noop)]
