"""WebSocket consumers: authenticate nothing more than reading, join a group, relay."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from feedback.services.realtime import post_group, theme_group


class CountsConsumer(AsyncJsonWebsocketConsumer):
    """Relays live vote and fan counts of one theme or one post to a page."""

    async def connect(self):
        kwargs = self.scope["url_route"]["kwargs"]
        if "theme_id" in kwargs:
            self.group = theme_group(int(kwargs["theme_id"]))
        else:
            self.group = post_group(int(kwargs["post_id"]))
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def counts_update(self, event):
        await self.send_json(event["counts"])
