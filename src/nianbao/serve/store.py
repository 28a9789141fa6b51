"""The process's blob store and portal settings row, and the audit log."""

from __future__ import annotations

import threading

from django.conf import settings

from .blobs import BlobStore, MemoryBlobStore
from .models import AuditEvent, Portal

_lock = threading.Lock()
_stores: dict[object, BlobStore | MemoryBlobStore] = {}


def blob_store() -> BlobStore | MemoryBlobStore:
    options = settings.NIANBAO
    key = ("memory", id(options)) if options.local else options.data_dir
    with _lock:
        if key not in _stores:
            _stores[key] = MemoryBlobStore() if options.local else BlobStore(options.data_dir)
        return _stores[key]


def portal() -> Portal:
    return Portal.objects.get_or_create(id=1)[0]


def audit(action: str, who: str, *, unit=None, submission=None, detail: str = "", ip: str = "") -> AuditEvent:
    return AuditEvent.objects.create(action=action, who=who[:250], unit=unit, submission=submission,
                                     detail=detail, ip=ip[:64])
