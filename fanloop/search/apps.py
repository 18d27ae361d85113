from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Site search: the one place that combines every app's searchable kinds."""

    name = "fanloop.search"
    label = "fanloop_search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from community.search import register_engine
        from fanloop.search import indexing, service

        indexing.connect()
        register_engine(service.search_ids)
