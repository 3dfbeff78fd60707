"""The editorial workflow and its task are named in Chinese: Wagtail shows the name in editors'
menus ("提交给<name>"), and "提交给Approvers approval" read half-translated."""

from django.db import migrations

OLD = "Approvers approval"
NEW = "审核人审批"


def rename(apps, old, new):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=old).update(name=new)
    apps.get_model("wagtailcore.Task").objects.filter(name=old).update(name=new)


def forward(apps, schema_editor):
    rename(apps, OLD, NEW)


def backward(apps, schema_editor):
    rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_editorial_workflow")]

    operations = [migrations.RunPython(forward, backward)]
