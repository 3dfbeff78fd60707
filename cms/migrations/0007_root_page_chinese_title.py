"""The tree's root shows in the admin's breadcrumbs ("Root"): give it a Chinese title (issue #14)."""

from django.db import migrations


def rename_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title="全部站点", draft_title="全部站点")


def restore_root(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="全部站点").update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_newsletter_pages"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename_root, restore_root)]
