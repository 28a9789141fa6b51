"""Private upload links: an unguessable token per unit, stored only as its SHA-256.

    >>> token = new_token()
    >>> len(token) >= 32 and token_hash(token) != token
    True

The token carries 192 random bits (``secrets``); a SHA-256 of so much entropy
cannot be reversed or guessed, so a fast hash is the right one here (a slow
password hash protects low-entropy secrets). The token itself is shown once,
when it is issued; re-issuing revokes the unit's earlier links.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from .models import Link, Unit

TOKEN_BYTES = 24  # 192 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(unit: Unit, by=None) -> str:
    """A fresh link for ``unit`` (its earlier links stop working); returns the token, shown once."""
    token = new_token()
    with transaction.atomic():
        revoke(unit)
        Link.objects.create(unit=unit, token_hash=token_hash(token), issued_by=by)
    return token


def revoke(unit: Unit) -> int:
    return Link.objects.filter(unit=unit, revoked_at__isnull=True).update(revoked_at=timezone.now())


def unit_for_token(token: str) -> Unit | None:
    """The unit whose live link this is, or None (unknown, revoked, or the unit retired)."""
    if not token or len(token) > 100:
        return None
    link = Link.objects.select_related("unit").filter(token_hash=token_hash(token), revoked_at__isnull=True).first()
    if link is None or link.unit.retired:
        return None
    return link.unit


def active_link(unit: Unit) -> Link | None:
    return unit.links.filter(revoked_at__isnull=True).order_by("-issued_at").first()
