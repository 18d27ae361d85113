"""WebSocket consumers: authenticate nothing more than reading, join a group, relay."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from feedback.models import PainPoint
from feedback.services.realtime import post_group, theme_group


def _theme_of(post_id: int) -> int | None:
    themes = PainPoint.objects.filter(pk=post_id).values_list("theme_id", flat=True)
    return themes.first()


class CountsConsumer(AsyncJsonWebsocketConsumer):
    """Relays live vote and fan counts of one theme or one post to a page.

    A post's page shows its theme's fans too, so it listens to the theme's group
    (every vote on the post is published there as well): a vote on another post of
    the theme, a post joining it or a merge updates the theme's counts on the page,
    without the other post's own votes. A post without a theme listens to its own
    group."""

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        self.post_id = None
        if "theme_id" in kwargs:
            self.group = theme_group(int(kwargs["theme_id"]))
        else:
            self.post_id = int(kwargs["post_id"])
            theme_id = await database_sync_to_async(_theme_of)(self.post_id)
            self.group = theme_group(theme_id) if theme_id else post_group(self.post_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def counts_update(self, event):
        counts = event["counts"]
        if self.post_id is not None and counts.get("post") not in (None, self.post_id):
            counts = {"post": None, "theme": counts["theme"]}  # another post's vote
        await self.send_json(counts)
