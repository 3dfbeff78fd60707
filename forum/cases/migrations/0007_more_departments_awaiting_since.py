"""Seed the departments the club names besides design, engineering and property (inactive until
an administrator switches them on), and start the member's answer clock of cases already waiting
for one from the time they last changed."""

from django.db import migrations

MORE_DEPARTMENTS = (
    ("market_research", "市研部"),
    ("brand", "品牌部"),
    ("planning", "策划部"),
    ("sales", "销售部"),
)


def seed_departments(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Department = apps.get_model("cases", "Department")
    for code, name in MORE_DEPARTMENTS:
        if Department.objects.filter(code=code).exists():
            continue
        group, _created = Group.objects.get_or_create(name=f"部门：{name}")
        Department.objects.create(code=code, name=name, staff_group=group, is_active=False)


def start_awaiting_clock(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    for case in Case.objects.filter(status="awaiting_member", awaiting_member_since__isnull=True):
        event = (
            CaseEvent.objects.filter(case=case, kind="status", to_status="awaiting_member")
            .order_by("-created_at")
            .first()
        )
        case.awaiting_member_since = event.created_at if event else case.updated_at
        case.save(update_fields=["awaiting_member_since"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_member_loop_notes_owners_templates")]

    operations = [
        migrations.RunPython(seed_departments, migrations.RunPython.noop),
        migrations.RunPython(start_awaiting_clock, migrations.RunPython.noop),
    ]
