"""Django settings for Kretslopp, read from the environment.

Everything a deployment changes comes from ``KRETSLOPP_*`` variables so that the same
package runs a laptop demo on SQLite and a shared PostgreSQL deployment unchanged.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kretslopp.core.clientaddress import parse_networks
from kretslopp.core.dburl import database_from_url

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KRETSLOPP_VAR_DIR", PACKAGE_DIR.parent / "var")).resolve()


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use the configured key, or one generated once into var/ for local runs."""
    configured = os.environ.get("KRETSLOPP_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("KRETSLOPP_DEBUG", False)
# Local runs over plain http (make run) switch this off; a deployment sits behind HTTPS.
HTTPS = _flag("KRETSLOPP_HTTPS", True)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("KRETSLOPP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kretslopp.core",
    "kretslopp.organisation",
    "kretslopp.inventory",
    "kretslopp.carbon",
    "kretslopp.imports",
    "kretslopp.circular",
    "kretslopp.api",
    "kretslopp.energy",
    "kretslopp.printing",
    "kretslopp.procurement",
    "kretslopp.forum",
    "kretslopp.exchange",
    "kretslopp.overview",
    "kretslopp.demo",
    "kretslopp.reports",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kretslopp.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kretslopp.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kretslopp.core.middleware.AuditActorMiddleware",
    "kretslopp.core.middleware.OneDataVersionReadingMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kretslopp.urls"
WSGI_APPLICATION = "kretslopp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kretslopp.overview.navigation.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("KRETSLOPP_DATABASE_URL", f"sqlite:///{VAR_DIR / 'kretslopp.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # a pass phrase, not a word with a digit
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed logins allowed per username and per client address inside the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("KRETSLOPP_LOGIN_FAILURE_LIMIT", "5"))

# django-axes counts failed logins in the database, per user name and per client address
# as separate counters (see kretslopp/organisation/auth.py), each cooling off 15 minutes after its
# latest failure. Behind the HTTPS proxy, the client address comes from X-Forwarded-For
# only as far as KRETSLOPP_TRUSTED_PROXY_COUNT proxies vouch for it (docs/operations.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kretslopp.organisation.auth.LocalPasswordBackend",  # KRETSLOPP_LOCAL_LOGIN decides for whom
    "kretslopp.organisation.oidc.Backend",  # answers only an OIDC callback
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused tries do not extend the wait
AXES_CLIENT_IP_CALLABLE = "kretslopp.organisation.auth.client_address"
AXES_LOCKOUT_CALLABLE = "kretslopp.organisation.auth.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are not kept: no personal data needed
TRUSTED_PROXY_COUNT = int(os.environ.get("KRETSLOPP_TRUSTED_PROXY_COUNT", "0"))
try:
    TRUSTED_PROXIES = parse_networks(os.environ.get("KRETSLOPP_TRUSTED_PROXIES", ""))
except ValueError as error:
    raise ImproperlyConfigured(f"KRETSLOPP_TRUSTED_PROXIES: {error}") from error
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("KRETSLOPP_TRUSTED_PROXY_COUNT cannot be negative")

# Sign-in with the organisation's identity provider over OIDC (docs/operations.md, "Sign-in
# with Entra ID"): mozilla-django-oidc as the relying party, endpoints from the issuer's
# discovery document, the authorisation code flow with PKCE, RP-initiated logout.
OIDC_ISSUER = os.environ.get("KRETSLOPP_OIDC_ISSUER", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("KRETSLOPP_OIDC_CLIENT_ID", "").strip()
_oidc_secret_file = os.environ.get("KRETSLOPP_OIDC_CLIENT_SECRET_FILE", "").strip()
try:
    OIDC_RP_CLIENT_SECRET = Path(_oidc_secret_file).read_text().strip() if _oidc_secret_file else ""
except OSError as error:
    raise ImproperlyConfigured(f"KRETSLOPP_OIDC_CLIENT_SECRET_FILE: {error}") from error
if OIDC_ISSUER and not OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("KRETSLOPP_OIDC_ISSUER is set: set KRETSLOPP_OIDC_CLIENT_ID too")
OIDC_RP_SCOPES = os.environ.get("KRETSLOPP_OIDC_SCOPES", "openid profile email")
OIDC_NAME = os.environ.get("KRETSLOPP_OIDC_NAME", "").strip()  # "Logga in med <this>"
OIDC_CREATE_USER = _flag("KRETSLOPP_OIDC_CREATE_USERS", False)
# The claim holding group ids for group rules ("groups" in Entra ID); empty: app roles only.
OIDC_GROUPS_CLAIM = os.environ.get("KRETSLOPP_OIDC_GROUPS_CLAIM", "").strip()
OIDC_RP_SIGN_ALGO = os.environ.get("KRETSLOPP_OIDC_SIGN_ALGORITHM", "RS256")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = True  # the hint RP-initiated logout sends back to the provider
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "organisation:oidc_callback"
OIDC_CALLBACK_CLASS = "kretslopp.organisation.oidc.CallbackView"
# Local passwords: on for installations without OIDC; with 0, only break-glass
# administrators (a hand-given administrator role) still sign in with one.
LOCAL_LOGIN = _flag("KRETSLOPP_LOCAL_LOGIN", True)

# Mail for password-reset links; without a host the link is shown to the administrator only.
EMAIL_HOST = os.environ.get("KRETSLOPP_EMAIL_HOST", "").strip()
EMAIL_PORT = int(os.environ.get("KRETSLOPP_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("KRETSLOPP_EMAIL_USER", "")
_email_password_file = os.environ.get("KRETSLOPP_EMAIL_PASSWORD_FILE", "").strip()
try:
    EMAIL_HOST_PASSWORD = (
        Path(_email_password_file).read_text().strip() if _email_password_file else ""
    )
except OSError as error:
    raise ImproperlyConfigured(f"KRETSLOPP_EMAIL_PASSWORD_FILE: {error}") from error
EMAIL_USE_TLS = _flag("KRETSLOPP_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("KRETSLOPP_EMAIL_FROM", "kretslopp@localhost")
EMAIL_TIMEOUT = 10

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kretslopp_cache",
    }
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("KRETSLOPP_TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even when empty
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded import files (MEDIA_ROOT/imports/) may hold personal data: a preview nobody
# confirms loses its file after this many days; see kretslopp/imports/retention.py.
IMPORT_UPLOAD_RETENTION_DAYS = int(os.environ.get("KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS", "7"))
if IMPORT_UPLOAD_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("KRETSLOPP_IMPORT_UPLOAD_RETENTION_DAYS cannot be negative")

# Security: secure cookies and HSTS whenever the site is served over HTTPS.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "kretslopp.core.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if OIDC_ISSUER:  # signing out posts to us and is sent on to the provider's end of session
    _provider_origin = "/".join(OIDC_ISSUER.split("/")[:3])
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {_provider_origin}"
    )

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


# Hostile files: what every import agrees to read (kretslopp/tabular/limits.py says why each
# limit exists). The defaults admit a 100,000-row x 25-column asset file several times over.
def _import_limit(name: str, default: int) -> int:
    value = os.environ.get(f"KRETSLOPP_IMPORT_{name}", str(default))
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ImproperlyConfigured(f"KRETSLOPP_IMPORT_{name} must be a whole number above 0")
    return number


IMPORT_MAX_UPLOAD_MB = _import_limit("MAX_UPLOAD_MB", 100)
IMPORT_MAX_PRINT_LOG_MB = _import_limit("MAX_PRINT_LOG_MB", 1024)  # a year of print logs
IMPORT_MAX_ROWS = _import_limit("MAX_ROWS", 300_000)
IMPORT_MAX_COLUMNS = _import_limit("MAX_COLUMNS", 1_000)
IMPORT_MAX_CELLS = _import_limit("MAX_CELLS", 6_000_000)
IMPORT_MAX_CELL_CHARS = _import_limit("MAX_CELL_CHARS", 32_767)
IMPORT_MAX_UNCOMPRESSED_MB = _import_limit("MAX_UNCOMPRESSED_MB", 256)
IMPORT_MAX_COMPRESSION_RATIO = _import_limit("MAX_COMPRESSION_RATIO", 100)
# Background jobs (Django's Tasks API, the django-tasks backport): imports and exports above
# these sizes run in `kretslopp worker`, not in the request (docs/operations.md, "Workers").
IMPORT_JOB_BYTES = _import_limit("JOB_BYTES", 200_000)
IMPORT_JOB_ROWS = _import_limit("JOB_ROWS", 2_000)
# An export of more rows than this is written by the worker and downloaded from "my exports";
# its file is removed this many days after it was written (kretslopp/imports/exports.py).
EXPORT_JOB_ROWS = int(os.environ.get("KRETSLOPP_EXPORT_JOB_ROWS", "10000"))
EXPORT_RETENTION_DAYS = int(os.environ.get("KRETSLOPP_EXPORT_RETENTION_DAYS", "2"))
if EXPORT_JOB_ROWS < 1 or EXPORT_RETENTION_DAYS < 0:
    raise ImproperlyConfigured(
        "KRETSLOPP_EXPORT_JOB_ROWS must be above 0, KRETSLOPP_EXPORT_RETENTION_DAYS not negative"
    )
TASKS_BACKEND = os.environ.get("KRETSLOPP_TASKS_BACKEND", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",  # the embedded default: the app's database
    "rq": "django_tasks_rq.RQBackend",  # Redis, for workers on other hosts
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",  # in the request (tests)
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("KRETSLOPP_TASKS_BACKEND must be database, rq or immediate")
# The queue's name: installations sharing one Redis (test and production) each use their own.
TASKS_QUEUE = os.environ.get("KRETSLOPP_TASKS_QUEUE", "default").strip() or "default"
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": [TASKS_QUEUE]}}
# A worker lowers its own CPU priority by this much (0 to 19; nice(2)), so that a long import
# on the same host as the app processes yields to the people waiting for pages.
WORKER_NICENESS = int(os.environ.get("KRETSLOPP_WORKER_NICENESS", "10"))
if not 0 <= WORKER_NICENESS <= 19:
    raise ImproperlyConfigured("KRETSLOPP_WORKER_NICENESS must be between 0 and 19")
# After a change, how long (seconds) a dashboard figure computed for the data just before it
# may still be shown while the new one is computed elsewhere on the host (kretslopp.core.memo);
# 0: every request waits for the new figures.
STALE_FIGURES_SECONDS = float(os.environ.get("KRETSLOPP_STALE_FIGURES_SECONDS", "20"))
if STALE_FIGURES_SECONDS < 0:
    raise ImproperlyConfigured("KRETSLOPP_STALE_FIGURES_SECONDS must not be negative")
REDIS_URL = os.environ.get("KRETSLOPP_REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {TASKS_QUEUE: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}

# The first handler stops an upload at its page's limit before it reaches the disk.
FILE_UPLOAD_HANDLERS = [
    "kretslopp.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KRETSLOPP_LOG_LEVEL", "WARNING")},
}
