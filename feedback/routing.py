from django.urls import path

from feedback.consumers import CountsConsumer

websocket_urlpatterns = [
    path("ws/themes/<int:theme_id>/", CountsConsumer.as_asgi()),
    path("ws/posts/<int:post_id>/", CountsConsumer.as_asgi()),
]
