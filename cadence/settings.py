"""Settings from environment variables, with safe defaults for the embedded (SQLite) mode."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CADENCE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Used only in development; `cadence serve --production` refuses to start with it.
INSECURE_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("CADENCE_PRODUCTION", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "core",
    "accounts",
    "projects",
    "sprints",
    "product",
    "goals",
    "notify",
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
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.UserPreferencesMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "cadence.urls"
WSGI_APPLICATION = "cadence.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cadence" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
                "accounts.context_processors.workspaces",
                "notify.context_processors.unread",
            ],
        },
    }
]

# --- Database: SQLite (WAL, IMMEDIATE, synchronous=FULL) unless DATABASE_URL names PostgreSQL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cadence.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000; PRAGMA mmap_size=268435456;"
        ),
    }
    # Connections persist: opening one per request would run the pragmas and start with a cold
    # page cache every time (bench/ measured it).
    _db["CONN_MAX_AGE"] = env_int("CADENCE_DB_CONN_MAX_AGE", 600)
    # A file, not memory: tests with several threads need SQLite's real locking (WAL), as in use.
    _db["TEST"] = {"NAME": os.environ.get("CADENCE_TEST_SQLITE", str(VAR_DIR / "test.sqlite3"))}
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    _db["ENGINE"] = "django.db.backends.postgresql"
    if env_bool("CADENCE_DB_POOL", True) and not os.environ.get("PYTEST_VERSION"):
        _db["OPTIONS"] = {"pool": {"min_size": 1, "max_size": env_int("CADENCE_DB_POOL_SIZE", 8)}}
    else:
        _db["CONN_MAX_AGE"] = 60
_db["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time: the UI speaks Simplified Chinese and English; each user picks one.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_USER_TIME_ZONE = os.environ.get("CADENCE_DEFAULT_TIME_ZONE", "Asia/Shanghai")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

# --- Sessions, cookies and headers.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Mail: a real SMTP server when EMAIL_HOST is set, otherwise files under var/mail to read.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cadence <cadence@localhost>")

# --- Cadence's own knobs.
TRASH_RETENTION_DAYS = env_int("CADENCE_TRASH_RETENTION_DAYS", 30)
INVITATION_TTL_DAYS = env_int("CADENCE_INVITATION_TTL_DAYS", 7)
PASSWORD_RESET_TTL_MINUTES = env_int("CADENCE_PASSWORD_RESET_TTL_MINUTES", 60)
# Lock after this many failures within the window, for at least the lock time (SECURITY.md rule 9).
THROTTLE_MAX_FAILURES = env_int("CADENCE_THROTTLE_MAX_FAILURES", 10)
THROTTLE_WINDOW_SECONDS = env_int("CADENCE_THROTTLE_WINDOW_SECONDS", 600)
THROTTLE_LOCK_SECONDS = env_int("CADENCE_THROTTLE_LOCK_SECONDS", 900)
# Uploaded files, under generated names only (SECURITY.md rule 6); never served by a static server.
ATTACHMENTS_DIR = Path(os.environ.get("CADENCE_ATTACHMENTS_DIR", VAR_DIR / "attachments"))
ATTACHMENT_MAX_BYTES = env_int("CADENCE_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
# A delivery left "sending" by a worker that died is taken up again after this many seconds.
NOTIFY_LEASE_SECONDS = env_int("CADENCE_NOTIFY_LEASE_SECONDS", 120)
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200
# Webhooks and IM messages, through core.outbound only (SECURITY.md rule 7). Plain http only if
# allowed; the local hosts are names or IP addresses an admin allows on loopback or private
# networks (any port), never a cloud metadata address.
OUTBOUND_ALLOW_HTTP = env_bool("CADENCE_OUTBOUND_ALLOW_HTTP", False)
OUTBOUND_LOCAL_HOSTS = env_list("CADENCE_OUTBOUND_LOCAL_HOSTS", "")
OUTBOUND_PORTS = [int(port) for port in env_list("CADENCE_OUTBOUND_PORTS", "80,443,8080,8443")]
OUTBOUND_TIMEOUT = float(os.environ.get("CADENCE_OUTBOUND_TIMEOUT", 5.0))
OUTBOUND_MAX_RESPONSE = env_int("CADENCE_OUTBOUND_MAX_RESPONSE", 65536)

NINJA_PAGINATION_PER_PAGE = PAGE_SIZE_DEFAULT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
