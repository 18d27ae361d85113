"""Create the /changelog/ page under the default site's home page, and let the
editor and pm groups edit and publish changelogs in the Wagtail admin.

Pages are tree nodes (django-treebeard materialised paths); historical models have
no tree methods, so the child's path is computed the way treebeard does: the
parent's path plus the next 4-character base-36 step.
"""

import uuid

from django.db import migrations

ROLES = ["editor", "pm"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(n):
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def create_index(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Index = apps.get_model("releases", "ChangelogIndexPage")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or Index.objects.exists():
        return
    home = Page.objects.get(pk=site.root_page_id)
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-4:], 36) + 1 if last else 1
    content_type, _ = ContentType.objects.get_or_create(
        app_label="releases", model="changelogindexpage"
    )
    index = Index.objects.create(
        title="Changelog",
        draft_title="Changelog",
        slug="changelog",
        content_type=content_type,
        path=home.path + _step(number),
        depth=home.depth + 1,
        numchild=0,
        url_path=home.url_path + "changelog/",
        live=True,
        has_unpublished_changes=False,
        locale_id=home.locale_id,
        translation_key=uuid.uuid4(),
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())
    admin_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    access, _ = Permission.objects.get_or_create(
        content_type=admin_ct,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    page_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="page"
    )
    perms = [
        Permission.objects.get_or_create(
            content_type=page_ct,
            codename=f"{action}_page",
            defaults={"name": f"Can {action} page"},
        )[0]
        for action in ("add", "change", "publish")
    ]
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(access)
        for perm in perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=index.pk, permission=perm
            )


def remove_index(apps, schema_editor):
    Index = apps.get_model("releases", "ChangelogIndexPage")
    Page = apps.get_model("wagtailcore", "Page")
    for index in Index.objects.all():
        parent = Page.objects.filter(
            path=index.path[:-4], depth=index.depth - 1
        ).first()
        index.delete()
        if parent is not None:
            Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild - 1)


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0001_initial"),
        ("community", "0002_role_groups"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]
    operations = [migrations.RunPython(create_index, remove_index)]
