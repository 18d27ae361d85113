from django.shortcuts import render
from django.views import View

from community.models import Board
from community.search import SearchQueryError
from fanloop.search import registry, service
from fanloop.search.forms import SearchForm
from fanloop.search.query import clean


class SearchView(View):
    """``/search/``: results of every kind with facets; bad queries get a message."""

    def get(self, request):
        form = SearchForm(request.GET)
        boards = {b.slug: b for b in Board.objects.all()}
        query = " ".join(clean(request.GET.get("q", "")).split())
        results, error = None, ""
        if query:
            try:
                results = service.search(
                    query,
                    form.filters(boards),
                    form.value("page") or 1,
                    viewer=request.user,
                )
            except SearchQueryError as exc:
                error = str(exc)
        return render(
            request,
            "search/search.html",
            {
                "form": form,
                "query": query,
                "results": results,
                "error": error,
                "facets": _facets(results, boards, request.GET) if results else {},
                "boards": boards.values(),
            },
        )


def _facets(results, boards, params) -> dict[str, list[dict]]:
    """Facet entries, largest first, each with the query string that toggles it."""
    by_id = {b.pk: b for b in boards.values()}
    kinds = registry.kinds()
    statuses = {v: label for k in kinds.values() for v, label in k.statuses}
    labels = {
        "kind": lambda v: (v, kinds[v].label if v in kinds else v),
        "board": lambda v: (by_id[v].slug, by_id[v].name) if v in by_id else None,
        "status": lambda v: (v, statuses.get(v, v)),
    }
    facets = {}
    for name, counts in results.facets.items():
        entries = []
        for value, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            shown = labels[name](value) if value is not None else None
            if not shown:
                continue
            active = params.get(name) == shown[0]
            query = params.copy()
            query.pop("page", None)
            if active:
                query.pop(name, None)
            else:
                query[name] = shown[0]
            entries.append(
                {
                    "label": shown[1],
                    "count": count,
                    "active": active,
                    "query": query.urlencode(),
                }
            )
        facets[name] = entries
    return facets
