"""WebSocket routes of the community app (none yet; feedback adds live counts)."""

websocket_urlpatterns: list = []
