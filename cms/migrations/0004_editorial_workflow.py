"""Editors write, Approvers publish: groups, page and snippet permissions, and the workflow.

Wagtail's own migrations create the groups "Editors" and "Moderators" (page moderation) and a
"Moderators approval" workflow on the root page. The club's pages live under the home page, where
this migration assigns a workflow whose only task is the approval by the group "Approvers".
Permission rows are created here if they do not exist yet (post_migrate creates them later on a
fresh database), so the grants do not depend on the order of migrations.
"""

from django.db import migrations

EDITORS = "Editors"
APPROVERS = "Approvers"
WORKFLOW = "Approvers approval"

PAGE_PERMISSIONS = {
    EDITORS: ("add_page", "change_page", "lock_page"),
    APPROVERS: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
MODEL_PERMISSIONS = {
    # (app_label, model): codenames, for both groups
    ("cms", "merchant"): ("add_merchant", "change_merchant", "view_merchant"),
}
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document"),
}
ACTIONS = {"add": "add", "change": "change", "view": "view", "delete": "delete"}


def permission_ensure(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    action, _sep, _rest = codename.partition("_")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {ACTIONS.get(action, action)} {model}"},
    )
    return permission


def create_editorial_workflow(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    ContentType = apps.get_model("contenttypes.ContentType")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (EDITORS, APPROVERS)}
    access_admin = permission_ensure(apps, "wagtailadmin", "admin", "access_admin")
    home = Page.objects.filter(depth=2).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).first()

    for name, group in groups.items():
        group.permissions.add(access_admin)
        for (app_label, model), codenames in MODEL_PERMISSIONS.items():
            for codename in codenames:
                group.permissions.add(permission_ensure(apps, app_label, model, codename))
        if home is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=home,
                    permission=permission_ensure(apps, "wagtailcore", "page", codename),
                )
        if root_collection is not None:
            for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
                for codename in codenames:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=permission_ensure(apps, app_label, model, codename),
                    )

    if home is None:
        return
    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=WORKFLOW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW, content_type=task_type, active=True)
    task.groups.set([groups[APPROVERS]])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


def remove_editorial_workflow(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore.Task").objects.filter(name=WORKFLOW).delete()
    apps.get_model("auth.Group").objects.filter(name=APPROVERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_news_handbook_offers"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_editorial_workflow, remove_editorial_workflow)]
