from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def done(request: HttpRequest, fallback: str, **payload) -> HttpResponse:
    """Answer a small POST: JSON for fetch(), a redirect for a plain form."""
    if wants_json(request):
        return JsonResponse(payload)
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = fallback
    return redirect(target)
