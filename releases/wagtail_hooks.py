"""Wagtail admin: a menu entry to the release planning screen."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class PlanningMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_authenticated and request.user.is_pm


@hooks.register("register_admin_menu_item")
def register_planning_menu_item():
    return PlanningMenuItem(
        _("Release planning"), reverse("releases:plan"), icon_name="tick", order=250
    )
