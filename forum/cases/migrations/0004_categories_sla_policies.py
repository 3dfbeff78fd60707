from django.db import migrations

CATEGORIES = (
    ("quality", "房屋质量", 10),
    ("planning", "规划设计", 20),
    ("property_service", "物业服务", 30),
    ("facilities", "配套设施", 40),
    ("privacy", "信息与隐私", 50),
    ("other", "其他", 90),
)
# priority: (first response hours, resolution hours)
SLA = {1: (24, 24), 2: (24, 72), 3: (24, 168), 4: (24, 360)}


def create(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    SLAPolicy = apps.get_model("cases", "SLAPolicy")
    for code, name, order in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for priority, (first, resolution) in SLA.items():
        SLAPolicy.objects.get_or_create(
            priority=priority,
            defaults={"first_response_hours": first, "resolution_hours": resolution},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_pipeline_routing_sla")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
