"""Summit settings: one module, every deployment choice read from the environment.

See the "Configuration" section of README.md for the full list of variables.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
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
FALSY = {"0", "false", "no", "off"}


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
    # Translated fields for countries and areas (name_ja, name_ru…); before the admin, whose
    # forms it extends with a field per language.
    "modeltranslation",
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
    "media_library",
    "articles",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise and the page cache, which answer without the middleware below them:
    # static files and stored pages get these headers too (summit/security_headers.py).
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "summit.security_headers.CrossOriginResourcePolicyMiddleware",
    # A NUL in the address is a 400 before anything looks it up (summit/request_checks.py).
    "summit.request_checks.RejectNullCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page's language from its address (/ja/…, /ru/…, English unprefixed), and the site
    # root sent to the reader's saved or preferred language; before the page cache, whose
    # keys hold the address (summit/i18n.py).
    "summit.i18n.LanguageMiddleware",
    # Anonymous readers' pages from the cache, before sessions and the rest (summit/page_cache.py).
    "summit.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the admin's own policy under /admin/.
    "summit.security_headers.ContentSecurityPolicyMiddleware",
    # Sign-in and expensive public views per client address (429), inside the page cache so
    # stored pages never count, and inside the header middleware so its 429 gets them too.
    "summit.ratelimit.RateLimitMiddleware",
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
                "django.template.context_processors.i18n",
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
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = "-c jit=off"
    # Server-side binding sends the parameters apart from the statement, so a statement reads
    # the same every time it runs and psycopg prepares it on a connection's second run of it:
    # PostgreSQL then skips parsing and, once a generic plan is as good, planning. Planning
    # the article page's joins took 3-4 ms a statement at 100,000 articles, more than running
    # them, and preparing took 3-5 ms off each uncached article page (issue #12). Off for a
    # pooler in transaction mode that cannot keep prepared statements (README, Configuration).
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1").strip().lower() not in FALSY:
        _options["server_side_binding"] = True
        _options["prepare_threshold"] = 2

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
            # Django's FileBasedCache, minus a whole-folder listing on every write.
            "BACKEND": "summit.file_cache.FileCache",
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
# Editors sign in through the admin; there is no /accounts/ site. A sign-in whose `?next=`
# was refused (another site's address) lands on the admin index, not on a 404.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# English is the default and unprefixed; Japanese and Russian pages live under /ja/ and /ru/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# British English dates ("2 December 2026") for the English interface (summit/formats/en).
FORMAT_MODULE_PATH = ["summit.formats"]
# The reader's saved choice from the language switcher, read on the site root (summit/i18n.py).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Country and area names, summaries and bodies: an empty Japanese or Russian one shows the
# English one instead of nothing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
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

# Editorial workflow (articles/workflow.py, articles/preview.py, summit/images.py).
PREVIEW_LINK_MAX_AGE = timedelta(days=7)
LEAD_IMAGE_MAX_BYTES = 10 * 1024 * 1024
LEAD_IMAGE_MAX_PIXELS = 40_000_000
LEAD_IMAGE_RENDITION_WIDTHS = (480, 960, 1600)

# Email (articles/notifications.py: review steps). Printed to the console unless SMTP is set,
# either as one URL, `EMAIL_URL=smtp://user:password@host:587/?tls=1` (`smtps://` for SSL on
# connect), or as EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS / EMAIL_USE_SSL. Links in emails start with DJANGO_SITE_URL
# (`https://news.example`), by default the first of DJANGO_ALLOWED_HOSTS.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps"} or not _email.hostname:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:587/")
    _email_options = parse_qs(_email.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = not EMAIL_USE_SSL and _email_options.get("tls", ["0"])[0].lower() in TRUTHY
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Summit newsroom <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")

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

# Rate limits per client address, counted in the cache (summit/ratelimit.py; README,
# "Rate limits"): "N/period" rates, comma-separated tiers, "off" for none. Sign-in counts
# failures per address and every attempt site-wide, before the password hash; the public
# buckets count only requests that reach a view (not pages from the page cache), and never
# signed-in staff. A person reads a few pages a minute; these stop a script, not a reader.
RATE_LIMITS_ENABLED = env_flag("DJANGO_RATE_LIMITS", default=True)
RATE_LIMITS = {
    "signin": os.environ.get("DJANGO_RATE_LIMIT_SIGNIN", "10/15m"),
    "signin_global": os.environ.get("DJANGO_RATE_LIMIT_SIGNIN_GLOBAL", "60/m"),
    "search": os.environ.get("DJANGO_RATE_LIMIT_SEARCH", "60/m,600/h"),
    "lists": os.environ.get("DJANGO_RATE_LIMIT_LISTS", "60/m,600/h"),
    "feeds": os.environ.get("DJANGO_RATE_LIMIT_FEEDS", "120/m,2400/h"),
}
# Which views (URL names) each public bucket covers: the ones that vary without bound with
# their parameters (query, filters, pages), so that a scraper always misses the page cache.
RATE_LIMITED_VIEWS = {
    "articles:search": "search",
    "articles:list": "lists",
    "articles:tag": "lists",
    "countries:detail": "lists",
    "areas:detail": "lists",
    "articles:author": "lists",
    "articles:feed": "feeds",
    "articles:feed_atom": "feeds",
    "articles:list_feed": "feeds",
    "articles:tag_feed": "feeds",
    "articles:author_feed": "feeds",
    "countries:feed": "feeds",
    "areas:feed": "feeds",
    "events:list": "lists",
    "events:commitments": "lists",
    "events:calendar": "feeds",
    "events:commitments_csv": "feeds",
    "events:commitments_json": "feeds",
}

# A strict Content-Security-Policy for every public page: no inline script or style, nothing
# from other origins. The admin has its own, below (summit/security_headers.py picks it).
CONTENT_SECURITY_POLICY = {
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
# The admin's policy is the public one with two differences, both measured by opening every
# admin page in Chromium under it (tests/browser/test_admin_csp.py):
# - Scripts: 'self' only, as on the public pages. Django's admin and our templates load every
#   script from a file and pass data in data- attributes; there is no inline script or event
#   handler to allow, so no 'unsafe-inline' and no 'unsafe-eval'.
# - Styles: stylesheets from 'self' only, and one inline style attribute allowed by its hash:
#   django-reversion-compare's history list hides a radio button with style="visibility:hidden"
#   (reversion-compare/action_list_partial.html). 'unsafe-hashes' lets a hash match a style
#   attribute; with only this hash listed, no other inline style applies, so an injected
#   style= or <style> cannot restyle a page (e.g. overlay a fake sign-in form). Django's own
#   admin templates and widgets write no style attributes, and its scripts style elements
#   through the CSSOM (element.style), which CSP does not restrict. If a library update adds
#   an inline style, tests/summit/test_security_headers.py names it with the hash to add.
# - Images: 'self' only; no admin stylesheet, script or template uses a data: URL.
# frame-ancestors 'none' as everywhere: no admin page is framed (related-object pop-ups use
# window.open, the article preview opens in a new tab).
VISIBILITY_HIDDEN_STYLE_HASH = "'sha256-I/4Jcdrg5KNFrU0X4p2nNmjeGh9aI+9ac0cUllI5SwY='"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, UNSAFE_HASHES, VISIBILITY_HIDDEN_STYLE_HASH],
        "img-src": [SELF],
    },
}

# Permissions-Policy (django-permissions-policy): powerful browser features no page of ours
# uses, switched off for our pages and anything they embed, so an injected script or a hostile
# embed cannot prompt a reader or an editor for them. Devices and sensors, payment and
# credentials, screen capture, and the ad-interest APIs (interest-cohort was FLoC,
# browsing-topics is its successor); fullscreen too, as no page shows video or embeds.
# Listed are only features Chromium recognises: others would log a warning on every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Other origins' pages may not load our responses as images, scripts or frames (see
# summit/security_headers.py). Cross-Origin-Opener-Policy: same-origin comes from Django's
# SecurityMiddleware (SECURE_CROSS_ORIGIN_OPENER_POLICY's default); the admin's pop-ups are
# same-origin, so they keep their opener.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"

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
    # Preloading puts the domain on the browsers' built-in HTTPS-only list, a commitment for
    # every subdomain that takes months to undo, so the operator must choose it. Until they
    # do, and only then, the deploy check's reminder to preload (security.W021) is silenced.
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "refused_requests": {"class": "summit.log.RefusedRequestHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # A refused request (bad Host, over-long query, forbidden action) is the sender's
        # mistake: one WARNING line, no traceback (summit/log.py). 5xx keep their traceback.
        "django.request": {"handlers": ["refused_requests"]},
        "django.security": {"handlers": ["refused_requests"]},
    },
}

# Site identity used in templates, feeds and metadata.
SITE_NAME = "Summit"
SITE_TAGLINE = "Japan and Central Asia: summits, partners and cooperation"
ARTICLES_PER_PAGE = 12
