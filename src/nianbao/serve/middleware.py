"""Headers every response carries (Django 5.2 has no Content-Security-Policy of its own)."""

from __future__ import annotations

from django.conf import settings


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        # Pages behind a private link or a login are never kept by a shared proxy or the browser's history cache.
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response
