"""Start the portal: prepare the database, then serve it with waitress (pure Python, Windows and 信创 Linux).

    >>> run(Path("年报数据"), host="127.0.0.1", port=8000)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .settings import DEFAULT_MAX_UPLOAD, configure

THREADS = 8
# The whole request may be a little larger than the file limit (form fields, multipart boundaries);
# anything beyond is cut off by waitress before Django sees it.
BODY_MARGIN = 1024 * 1024


def prepare(data_dir: Path | None, *, local: bool = False, database: str | None = None,
            max_upload: int = DEFAULT_MAX_UPLOAD, base_url: str = "") -> bool:
    """Configure Django, create or upgrade the database; returns True when this was the first start."""
    from django.core.management import call_command
    from django.db import connection

    first = data_dir is not None and database is None and not (Path(data_dir) / "nianbao.sqlite3").exists()
    configure(data_dir, local=local, database=database, max_upload=max_upload, base_url=base_url)
    call_command("migrate", interactive=False, verbosity=0)
    if not local:
        call_command("createcachetable", verbosity=0)
    connection.ensure_connection()  # --local: this connection keeps the in-memory database alive
    from .store import blob_store, portal

    blob_store().clean_tmp()
    portal()
    return first


def has_users() -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.exists()


def set_admin(name: str, password: str) -> bool:
    """Create the administrator ``name`` or reset its password; returns True when it was created.

    Raises django.core.exceptions.ValidationError when the password is too weak.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User.objects.filter(username=name).first()
    created = user is None
    if user is None:
        user = User(username=name)
    validate_password(password, user)
    user.is_superuser = user.is_staff = user.is_active = True
    user.set_password(password)
    user.save()
    from .store import audit

    audit("设置管理员" if created else "重设管理员密码", "命令行", detail=name)
    return created


def serve(host: str, port: int, max_upload: int = DEFAULT_MAX_UPLOAD, threads: int = THREADS,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted; ``ready(url)`` is called once the socket listens."""
    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    server = create_server(get_wsgi_application(), host=host, port=port, threads=threads, ident="nianbao",
                           max_request_body_size=max_upload + BODY_MARGIN, clear_untrusted_proxy_headers=True)
    shown = f"[{host}]" if ":" in host else host
    if ready:
        ready(f"http://{shown}:{server.effective_port}/")
    try:
        server.run()
    finally:
        server.close()
