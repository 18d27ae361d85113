from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "releases"
    verbose_name = _("Releases")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from releases.models import ChangelogPage

        # A publication from anywhere (the release service, an editor in the
        # Wagtail admin, a scheduled revision) must drop the cached page.
        page_published.connect(_page_changed, sender=ChangelogPage)
        page_unpublished.connect(_page_changed, sender=ChangelogPage)


def _page_changed(sender, instance, **kwargs) -> None:
    from releases.services import changelog_cache_touch

    changelog_cache_touch(page=instance)
