"""Summit settings: one module, every deployment choice read from the environment.

See the "Configuration" section of README.md for the full list of variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A development checkout keeps its local defaults in `.env` (written by `make` on first use:
# debug on and a random key), so `manage.py` commands work as the README writes them. The real
# environment always wins over the file; DJANGO_ENV_FILE="" reads no file (tests, production).
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)

TRUTHY = {"1", "true", "yes", "on"}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUTHY


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only ever used on a developer's machine with debug on.
    SECRET_KEY = "django-insecure-summit-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Keeps runserver from serving static files itself, so development matches production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Full-text search and trigram lookups on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "django_countries",
    # Revision history with restore and recover-deleted; readable diffs between revisions.
    "reversion",
    "reversion_compare",
    # Locks out repeated failed sign-ins.
    "axes",
    "summit",
    "countries",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous readers' pages from the cache, before sessions and the rest (summit/page_cache.py).
    "summit.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers a 404 with a 301 when the path is an old slug of something that moved.
    "summit.redirects.RedirectFallbackMiddleware",
    # Last, as django-axes requires: refuses sign-ins from locked-out clients.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "summit.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "summit.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "summit.wsgi.application"

# PostgreSQL connections are reused as persistent connections (CONN_MAX_AGE) with a health
# check, not psycopg's pool: gunicorn's gthread workers keep their threads for life, so each
# thread holds one connection, reopened after 60 s or when the check finds it dead. That is
# already a pool of workers * threads connections (gunicorn.conf.py bounds both) with no extra
# dependency; a pool would only pay off with more threads than concurrent queries, or ASGI.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections bring nothing to SQLite; WAL and IMMEDIATE transactions let
    # several writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT off: our queries are short and index-driven, and JIT compilation costs more than it
    # saves. Measured on PostgreSQL 15 (30,000 articles): a country-count aggregate ran in
    # 236 ms without JIT and 626-1,037 ms with it (410-711 ms of that compiling); issue #12
    # saw 2.7 s of compilation on the related-articles query at demo size.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "summit",
        }
    }
else:
    # Files in one folder: shared by every worker process on this machine, so a write in one
    # invalidates the pages all of them serve (per-process memory would keep stale copies).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
            "KEY_PREFIX": "summit",
            # Past this many files, a random third is dropped on the next write.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files (no collectstatic) in development.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Limits on what one request may send; larger bodies get a 400, not a crash.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Tags differing only by case are the same tag.
TAGGIT_CASE_INSENSITIVE = True

# Editorial workflow (articles/workflow.py, articles/preview.py, articles/images.py).
PREVIEW_LINK_MAX_AGE = timedelta(days=7)
LEAD_IMAGE_MAX_BYTES = 10 * 1024 * 1024
LEAD_IMAGE_MAX_PIXELS = 40_000_000
LEAD_IMAGE_RENDITION_WIDTHS = (480, 960, 1600)

# Sign-in safety (django-axes): five wrong passwords for one account from one address lock
# that pair out for 15 minutes. Locking by account alone would let anyone lock an editor out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "summit.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "summit.signin.client_ip"
# How many proxies in front of Django append to X-Forwarded-For; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# A strict Content-Security-Policy for every public page: no inline script or style, nothing
# from other origins. The Django admin ships inline styles, so it is left to Django's own
# protections (X-Frame-Options, CSRF) rather than given a weakened policy.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Behind an HTTPS-terminating proxy in production, turn on the HTTPS-only protections.
if env_flag("DJANGO_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # A hostile Host header is the sender's problem, not an error worth paging anyone for.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
    },
}

# Site identity used in templates, feeds and metadata.
SITE_NAME = "Summit"
SITE_TAGLINE = "Japan and Central Asia: summits, partners and cooperation"
ARTICLES_PER_PAGE = 12
