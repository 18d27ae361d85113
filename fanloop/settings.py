"""Fanloop settings.

Every value that differs between machines is read from the environment here, once.

Environment variables:
    DATABASE_URL       database (default: SQLite file ``db.sqlite3`` beside manage.py)
    REDIS_URL          optional; enables the channels-redis layer and the Redis cache
    ELASTICSEARCH_URL  optional; search backend in production
    FANLOOP_SEARCH_BACKEND  "database" or "elasticsearch" (default: by the line above)
    SECRET_KEY         required when DEBUG is off
    DEBUG              "1"/"true" for development (default: on unless production)
    ALLOWED_HOSTS      comma separated (default: localhost names)
    FANLOOP_PRODUCTION "1": hardened production mode (HTTPS, secure cookies)
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


PRODUCTION = env_bool("FANLOOP_PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when FANLOOP_PRODUCTION is on.")
    # Development only: a fixed key is fine because nothing real is signed with it.
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",  # must precede staticfiles: its runserver serves HTTP and WebSockets
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "channels",
    "taggit",
    "modelcluster",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "community",
    "feedback",
    "releases",
    "fanloop.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "fanloop.urls"
ASGI_APPLICATION = "fanloop.asgi.application"
WSGI_APPLICATION = "fanloop.wsgi.application"

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
                "community.context_processors.fanloop",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # 0: under ASGI every request runs in a new thread, so persistent
        # connections would pile up (one per thread) instead of being reused;
        # fanloop/wsgi.py sets 60 for WSGI workers (fixed threads).
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it (a restarted
        # database does not fail the next request).
        conn_health_checks=True,
    )
}
_pool_max = int(os.environ.get("DATABASE_POOL_MAX", "8"))
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and not DATABASES["default"]["CONN_MAX_AGE"]
    and _pool_max > 0
):
    # Under ASGI a request's connection is closed when it ends; opening a new one
    # costs PostgreSQL a process fork and Django its set-up queries: 7.1 ms a
    # request against 0.7 ms borrowed from psycopg's pool (Django's own support;
    # bench/db_connect.py), which keeps up to DATABASE_POOL_MAX open per process
    # (0: none) and checks each before lending it (health checks above).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _pool_max,
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the single writer; busy timeout absorbs short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (not shared-cache memory), so concurrent writers wait on
    # the busy timeout exactly as in production instead of failing with "locked".
    # It lives in shared memory when the machine has it: no fsync cost.
    _shm = Path("/dev/shm")  # noqa: S108 - a private file name of this checkout
    _test_dir = _shm if _shm.is_dir() else BASE_DIR
    DATABASES["default"]["TEST"] = {
        "NAME": str(_test_dir / f"fanloop-test-{BASE_DIR.name}.sqlite3")
    }
else:
    # Named explicitly so a forked live server (browser tests) finds the same one.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Prefix of every cache and channel-layer key. Parallel test workers (pytest-xdist
# sets PYTEST_XDIST_WORKER) share one Redis, so each gets its own namespace.
CACHE_PREFIX = os.environ.get("FANLOOP_CACHE_PREFIX", "fanloop") + os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": CACHE_PREFIX,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Site search (fanloop/search): "database" (the site's own database: SQLite FTS5 or
# PostgreSQL full-text) or "elasticsearch" (the default when ELASTICSEARCH_URL is set).
FANLOOP_SEARCH_BACKEND = os.environ.get(
    "FANLOOP_SEARCH_BACKEND", "elasticsearch" if ELASTICSEARCH_URL else "database"
)
# Elasticsearch index names start with this (one alias per kind: <prefix>-post, ...).
# Similar-post suggestions: "" asks each worker's in-process index; a dotted path
# names a function (vector=, text=, k=) -> [(post id, score)] that asks a shared
# engine, e.g. "fanloop.search.knn.neighbours" (kNN in Elasticsearch).
FANLOOP_SIMILAR_BACKEND = os.environ.get("FANLOOP_SIMILAR_BACKEND", "")
FANLOOP_SEARCH_INDEX_PREFIX = os.environ.get("FANLOOP_SEARCH_INDEX_PREFIX", "fanloop")
# What the search covers: each app declares its kinds in its own search.py. A kind
# whose model is not installed yet is skipped (the changelog before its page model).
FANLOOP_SEARCH_KINDS = [
    "feedback.search.POSTS",
    "feedback.search.THEMES",
    "fanloop.search.kinds.CHANGELOGS",
]

AUTH_USER_MODEL = "community.Fan"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
_PV = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_PV}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_PV}.MinimumLengthValidator"},
    {"NAME": f"{_PV}.CommonPasswordValidator"},
    {"NAME": f"{_PV}.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "community:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "community:home"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/h/ip"}
SITE_ID = 1

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Fanloop <noreply@localhost>")

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Background tasks (django-tasks, which Wagtail brings). "immediate" runs a task at once
# in the caller (development, tests); "database" queues it in the database for
# ``manage.py db_worker`` (production; needed for the weekly backlog schedule).
TASKS_BACKEND = os.environ.get("FANLOOP_TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND]
    }
}

WAGTAIL_SITE_NAME = "Fanloop"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False

RATELIMIT_VIEW = "community.views.errors.ratelimited"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

# Writes a fan may make: "count/period" as django-ratelimit reads it.
FANLOOP_RATE_POST = os.environ.get("FANLOOP_RATE_POST", "5/m")
FANLOOP_RATE_REPLY = os.environ.get("FANLOOP_RATE_REPLY", "10/m")
FANLOOP_RATE_LIKE = os.environ.get("FANLOOP_RATE_LIKE", "60/m")
FANLOOP_RATE_FLAG = os.environ.get("FANLOOP_RATE_FLAG", "10/m")
# Suggestion requests (each encodes the text: ~15 ms of CPU). The form asks at most
# every 300 ms while a fan types, and only when the text changed.
FANLOOP_RATE_SIMILAR = os.environ.get("FANLOOP_RATE_SIMILAR", "120/m")
# Page sizes for lists that can grow.
FANLOOP_THREADS_PER_PAGE = 30
FANLOOP_REPLIES_PER_PAGE = 50
# Reputation needed for each level (index = level - 1).
FANLOOP_LEVELS = [0, 10, 50, 150, 400, 1000, 2500]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the page's fetch() reads the token from the cookie
X_FRAME_OPTIONS = "DENY"  # Wagtail previews override this per view
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own "django" handlers printed every line of runserver (daphne's access
    # log) a second time on the way to the root handler: Django's records go to the
    # root handler only.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# Backlog score (feedback/scoring.py): weights of each component and the half-life of
# recency in days. At equal age, going from 3 to 10 fans (+10·ln(11/4) ≈ 10)
# outweighs one severity step (+3).
FANLOOP_SCORE_WEIGHTS = {"fans": 10.0, "severity": 3.0, "spread": 2.0}
FANLOOP_SCORE_HALF_LIFE_DAYS = float(
    os.environ.get("FANLOOP_SCORE_HALF_LIFE_DAYS", "14")
)

# JSON API lists (django-ninja's ?limit=&offset=): 100 items a page by default and
# at most 500 (ninja's own default has no ceiling: one request could ask for every
# post of the forum); a larger limit is a 422 that says so.
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 500

# Pain-point attachments: how many, and how large each kind may be.
FANLOOP_MAX_ATTACHMENTS = 5
FANLOOP_MAX_IMAGE_BYTES = 5 * 1024 * 1024
FANLOOP_MAX_LOG_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024

# Clustering engine (feedback/clustering): "hybrid" (semantic vectors from the bundled
# multilingual-e5-small model plus lexical features) or "lexical" (no model). Hybrid
# falls back to lexical, with a logged warning, when the encoder cannot load.
FANLOOP_CLUSTER_ENGINE = os.environ.get("FANLOOP_CLUSTER_ENGINE", "hybrid")

# Where a process saves the similarity index it built and the next process loads it
# from instead of reading every post's text again (feedback/clustering/snapshot.py);
# "" turns snapshots off. One file per host; it is checked against the database.
FANLOOP_INDEX_SNAPSHOT = os.environ.get(
    "FANLOOP_INDEX_SNAPSHOT", str(BASE_DIR / "var" / "theme-index.npz")
)
# Load (or build) that index on a background thread when a server process starts
# (fanloop/wsgi.py, asgi.py), instead of in the first request that needs it.
FANLOOP_INDEX_WARMUP = env_bool("FANLOOP_INDEX_WARMUP", False)
# BLAS threads of a server process (0: the library's default, one per core). The
# products of one request are small; OpenBLAS's extra thread spins after each one
# and took a core from the other workers (fanloop/warmup.py).
FANLOOP_BLAS_THREADS = int(os.environ.get("FANLOOP_BLAS_THREADS", "1"))

# End of the voting week: weekday (Monday = 0), local time and time zone. The weekly
# backlog of week W is built from votes and posts before W's cut-off.
FANLOOP_WEEK_CUTOFF = {
    "weekday": int(os.environ.get("FANLOOP_WEEK_CUTOFF_WEEKDAY", "4")),
    "time": os.environ.get("FANLOOP_WEEK_CUTOFF_TIME", "18:00"),
    "timezone": os.environ.get("FANLOOP_WEEK_CUTOFF_TZ", "Asia/Shanghai"),
}

# Re-cluster all posts (manage.py recluster) in the weekly task, just before the
# backlog is built, so the backlog ranks the batch pass's themes; "0" keeps the
# online pass's themes until someone runs recluster.
FANLOOP_RECLUSTER_WEEKLY = env_bool("FANLOOP_RECLUSTER_WEEKLY", True)

# Absolute address of the site, for links in emails.
FANLOOP_SITE_URL = os.environ.get("FANLOOP_SITE_URL", "http://127.0.0.1:8000")

# Releases (releases/services.py): reputation a published release gives each credited
# fan, once per release and role. Reporting outweighs a vote because a report is
# what lets a PM find and fix the problem; the first report most of all.
FANLOOP_CREDIT_REPUTATION = {
    "first_reporter": int(os.environ.get("FANLOOP_CREDIT_FIRST_REPORTER", "25")),
    "reporter": int(os.environ.get("FANLOOP_CREDIT_REPORTER", "10")),
    "voter": int(os.environ.get("FANLOOP_CREDIT_VOTER", "2")),
}
# A shipped theme is flagged for reopening on triage when one of its items has at
# least this many ratings and more than half of them are "bad".
FANLOOP_REOPEN_MIN_RATINGS = int(os.environ.get("FANLOOP_REOPEN_MIN_RATINGS", "20"))
FANLOOP_RATE_RATING = os.environ.get("FANLOOP_RATE_RATING", "30/m")
FANLOOP_CHANGELOGS_PER_PAGE = 10
