"""Django configured from the package: no project skeleton for the county to edit.

    >>> configure(Path("年报数据"))                              # doctest: +SKIP
    >>> configure(None, local=True)                              # doctest: +SKIP
    >>> configure(Path("年报数据"), database="postgresql://…")   # doctest: +SKIP

DATA_DIR holds everything the portal keeps: the SQLite database (WAL), the
content-addressed blobs and a secret key generated on first start. Backup is
a copy of that folder (with PostgreSQL, also a dump of the database).

``--local`` keeps nothing on disk: an in-memory SQLite database shared by the
server's threads and an in-memory blob store, gone when the process ends.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_text

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024  # bytes; `--max-upload` changes it
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "nianbao.sqlite3"
LOCAL_DATABASE = "file:nianbao-local?mode=memory&cache=shared"

# No external resource of any kind, no inline script (htmx's config comes from a <meta> tag and
# its indicator styles from portal.css, so neither eval nor inline styles are needed).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


@dataclass(frozen=True)
class Options:
    """What the command line decided; views read it as ``settings.NIANBAO``."""

    data_dir: Path | None
    local: bool = False
    max_upload: int = DEFAULT_MAX_UPLOAD
    base_url: str = ""  # how clerks reach the portal, for the links sent to them; "" = as the browser sees it


def secret_key(data_dir: Path) -> str:
    """The key kept in DATA_DIR (generated once; sessions and CSRF tokens survive a restart)."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    write_text(path, key)
    with contextlib.suppress(OSError):  # Windows: the folder's ACL protects it
        os.chmod(path, 0o600)
    return key


def database_settings(options: Options, url: str | None) -> dict:
    if url:
        import dj_database_url

        return dict(dj_database_url.parse(url, conn_max_age=0))
    if options.local:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": LOCAL_DATABASE,
            "OPTIONS": {"uri": True},
            "TEST": {"NAME": LOCAL_DATABASE},
        }
    assert options.data_dir is not None
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(options.data_dir / DATABASE_FILE),
        "OPTIONS": {
            # WAL: readers never wait for the writer; synchronous stays FULL so a commit survives a crash.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            # Take the write lock at BEGIN: concurrent uploads queue instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        },
    }


def django_settings(options: Options, database: str | None = None) -> dict:
    data_dir = options.data_dir
    key = secret_key(data_dir) if data_dir is not None else secrets.token_urlsafe(50)
    cache = (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if options.local
        # Shared by every thread and, with PostgreSQL, by every app server: the rate limits hold across them.
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "nianbao_cache"}
    )
    return {
        "SECRET_KEY": key,
        "DEBUG": False,
        "ALLOWED_HOSTS": ["*"],  # an intranet server is reached by IP or by a name the county chooses
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "nianbao.serve",
        ],
        "MIDDLEWARE": [
            "nianbao.serve.middleware.SecurityHeaders",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django_ratelimit.middleware.RatelimitMiddleware",  # a blocked request gets RATELIMIT_VIEW's 429 page
        ],
        "ROOT_URLCONF": "nianbao.serve.urls",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nianbao.serve.views.common.portal_context",
            ]},
        }],
        "DATABASES": {"default": database_settings(options, database)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "CACHES": {"default": cache},
        "RATELIMIT_USE_CACHE": "default",
        "RATELIMIT_VIEW": "nianbao.serve.views.common.rate_limited",
        "SILENCED_SYSTEM_CHECKS": ["django_ratelimit.W001"],  # LocMem in --local: one process is the whole server
        "STATIC_URL": "/static/",
        "WHITENOISE_ALLOW_ALL_ORIGINS": False,
        "WHITENOISE_USE_FINDERS": True,  # served from the package itself: no collectstatic step
        "WHITENOISE_AUTOREFRESH": False,
        "LANGUAGE_CODE": "zh-hans",
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "USE_TZ": True,
        "LOGIN_URL": "county-login",
        "LOGIN_REDIRECT_URL": "county-status",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 8 * 3600,  # a working day
        "CSRF_COOKIE_HTTPONLY": True,  # htmx sends the token from the page (hx-headers), never from the cookie
        "CSRF_COOKIE_SAMESITE": "Strict",
        "CSRF_FAILURE_VIEW": "nianbao.serve.views.common.csrf_failure",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        # A private link never leaks to another site; "no-referrer" would make forms send Origin: null and fail CSRF.
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
        "FILE_UPLOAD_TEMP_DIR": str(data_dir / "tmp") if data_dir is not None else None,
        # The whole body is bounded by the server (waitress) and each file by the upload check.
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 2 * 1024 * 1024,
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
        },
        "NIANBAO": options,
    }


def configure(data_dir: Path | None, *, local: bool = False, database: str | None = None,
              max_upload: int = DEFAULT_MAX_UPLOAD, base_url: str = "") -> Options:
    """Configure Django for this process (once) and set it up; returns the options."""
    import django
    from django.conf import settings

    if data_dir is not None:
        data_dir = Path(data_dir).resolve()
        (data_dir / "tmp").mkdir(parents=True, exist_ok=True)
    options = Options(data_dir, local, max_upload, base_url.rstrip("/"))
    settings.configure(**django_settings(options, database))
    django.setup()
    return options
