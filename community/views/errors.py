from django.http import HttpResponse
from django.shortcuts import render


def ratelimited(request, exception=None) -> HttpResponse:
    return render(request, "community/ratelimited.html", status=429)
