"""Django settings for govhall. Everything that differs between machines comes from GOVHALL_* variables."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from govhall.core.env import (
    ConfigError,
    database_config,
    env_bool,
    env_float,
    env_int,
    env_json_list,
    env_list,
    env_networks,
    env_str,
    queue_config,
    replica_config,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# An instance's data: the SQLite database, the background queue and the uploads (docs/deployment.md).
# Relative paths are taken from the project directory. Two instances on one machine each set their own.
DATA_DIR = Path(env_str("GOVHALL_DATA_DIR", "var"))
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR

DEFAULT_SECRET_KEY = "govhall-insecure-development-key-do-not-use-in-production"

GOVHALL_ENV = env_str("GOVHALL_ENV", "development")
if GOVHALL_ENV not in {"development", "production", "test"}:
    raise ConfigError(f"GOVHALL_ENV={GOVHALL_ENV!r} must be one of development, production, test")
PRODUCTION = GOVHALL_ENV == "production"

SECRET_KEY = env_str("GOVHALL_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("GOVHALL_DEBUG", not PRODUCTION)
if PRODUCTION:
    if DEBUG:
        raise ConfigError(
            "GOVHALL_ENV=production refuses to start with GOVHALL_DEBUG on: set GOVHALL_DEBUG=0"
        )
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ConfigError(
            "GOVHALL_ENV=production refuses to start with the default or a short secret key: "
            "set GOVHALL_SECRET_KEY to a random string of at least 32 characters"
        )

# Demo mode: the demo city and its accounts with printed passwords. Never on in production.
DEMO_MODE = env_bool("GOVHALL_DEMO", not PRODUCTION)

ALLOWED_HOSTS = env_list("GOVHALL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("GOVHALL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # `createsuperuser` with the password policy for DJANGO_SUPERUSER_PASSWORD too (before auth's own).
    "govhall.core.passwords",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise serves static files under runserver too, so development and production behave alike.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    # Sign-in throttling: failed sign-ins counted per account and per address (govhall/core/signin.py).
    "axes",
    # API tokens (govhall/core/tokens.py): hashed, with expiry; our model with a scope swaps knox's.
    "knox",
    "govhall.core",
    "govhall.workdays",
    "govhall.catalog",
    "govhall.cases",
    "govhall.supervision",
    "govhall.lanes",
    "govhall.visits",
    "govhall.stats",
    # The online service hall, above cases and lanes.
    "govhall.portal",
    # The 12345 hotline and its web channel, beside the portal (neither imports the other).
    "govhall.hotline",
    # The demo city and its generated history, above every other app (no app imports it).
    "govhall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "govhall.core.middleware.IdleSessionMiddleware",
    "govhall.core.middleware.ChineseFirstLocaleMiddleware",
    # After the language is chosen, before anything reads the body: 413 for an oversized request.
    "govhall.core.middleware.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govhall.core.middleware.ContentSecurityPolicyMiddleware",
    "govhall.core.middleware.PrivatePagesMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its answer (429).
    "axes.middleware.AxesMiddleware",
    # Every 4xx of /api/v1/ in the one error format, also the bodies a view built by hand (core.api_errors).
    "govhall.core.api_errors.ApiErrorFormatMiddleware",
]

# Which pages this deployment serves (docs/deployment.md "Two sites"): `all` (default), `public` (the
# citizens' pages, progress query, 民生网, Open311 and the portal API, for the internet-facing network) or
# `intranet` (the back office: staff pages, admin, API and the portal, without Open311 and 民生网).
GOVHALL_SITE = env_str("GOVHALL_SITE", "all")
SITES = {"all": "govhall.urls", "public": "govhall.urls_public", "intranet": "govhall.urls_intranet"}
if GOVHALL_SITE not in SITES:
    raise ConfigError(f"GOVHALL_SITE={GOVHALL_SITE!r} must be one of all, public, intranet")
ROOT_URLCONF = SITES[GOVHALL_SITE]
WSGI_APPLICATION = "govhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Every template lives in an app (base.html and the login page in govhall/core/templates), so
        # makemessages per app finds every string.
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "govhall.core.context_processors.site",
                "govhall.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("GOVHALL_DATABASE_URL", f"sqlite:///{DATA_DIR / 'govhall.sqlite3'}"), base_dir=BASE_DIR
    )
}
# A PostgreSQL streaming replica for boards, dashboards, reports and public guides (govhall/core/replica.py,
# docs/deployment.md "A read replica"): read from it while it lags at most GOVHALL_REPLICA_MAX_LAG seconds,
# checked at most every GOVHALL_REPLICA_CHECK_SECONDS per process; otherwise from the primary.
GOVHALL_REPLICA_MAX_LAG = env_float("GOVHALL_REPLICA_MAX_LAG", 30.0)
GOVHALL_REPLICA_CHECK_SECONDS = env_float("GOVHALL_REPLICA_CHECK_SECONDS", 5.0)
if env_str("GOVHALL_REPLICA_URL", ""):
    DATABASES["replica"] = replica_config(
        env_str("GOVHALL_REPLICA_URL"), DATABASES["default"], base_dir=BASE_DIR
    )
    DATABASE_ROUTERS = ["govhall.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
# Django's ModelBackend, reading the user's hall with the user on every request (one query instead of two
# for a clerk). Sessions signed in under Django's own backend name it, so they end once after the upgrade
# (docs/deployment.md); listing both would hash a wrong password twice.
# django-axes' check comes first: a locked account or address is refused before any password is hashed.
AUTHENTICATION_BACKENDS = ["govhall.core.signin.SignInThrottleBackend", "govhall.core.auth.UserBackend"]
# Database sessions as Django's, read by a statement compiled once (govhall/core/sessions.py).
SESSION_ENGINE = "govhall.core.sessions"
# The public site has no staff sign-in: its pages for signed-in users lead to the citizens' own.
LOGIN_URL = "portal:login" if GOVHALL_SITE == "public" else "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# The password policy for staff (docs/security.md): at least GOVHALL_PASSWORD_MIN_LENGTH (12) characters,
# not like the username or name, not a common password, not only digits. Checked wherever a password is
# chosen: the admin's forms, `govhall createsuperuser` (with DJANGO_SUPERUSER_PASSWORD too) and
# `govhall changepassword`. Applicants sign in by SMS code and have no password; the demo accounts' published
# passwords are hashed by the demo loader, which runs in demo mode only, and refused at sign-in in production.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("GOVHALL_PASSWORD_MIN_LENGTH", 12, minimum=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes, docs/deployment.md "Sign-in"): after this many failed sign-ins for one
# account, or from one client address, signing in is locked for the cool-off time; an administrator
# unlocks sooner (admin "Access attempts", or `manage.py axes_reset_username USER` / `axes_reset_ip IP`).
AXES_FAILURE_LIMIT = env_int("GOVHALL_SIGNIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GOVHALL_SIGNIN_LOCK_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every start (commands print results on stdout)
AXES_CLIENT_IP_CALLABLE = "govhall.core.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "govhall.core.signin.lockout_response"
# A failure while locked does not extend the lock: an attacker cannot keep an account locked for ever
# by guessing on, only for the cool-off after the limit is reached.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated). Empty: the
# connection's address (REMOTE_ADDR) is the client's, and X-Forwarded-For is ignored (govhall.core.addresses).
GOVHALL_TRUSTED_PROXIES = env_networks("GOVHALL_TRUSTED_PROXIES")

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = env_str("GOVHALL_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("GOVHALL_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed copies made by `collectstatic` (cached forever by browsers);
    # development and tests serve the files as they are, without a collectstatic step.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production whitenoise finds files where they are (app and project static folders) on every
# request, so runserver, `govhall serve` and the tests need no collectstatic, with DEBUG on or off.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("GOVHALL_MEDIA_ROOT", str(DATA_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
GOVHALL_MAX_UPLOAD_BYTES = env_int("GOVHALL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
# Bad input may not grow a worker (issue 20; docs/input-limits.md): form fields and JSON bodies at most
# 2.5 MB (core.parsers reads no more), 1,000 fields, 20 files a request, a whole request at most this
# many bytes (core.middleware.RequestSizeMiddleware answers 413 before reading it).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
GOVHALL_MAX_REQUEST_BYTES = env_int(
    "GOVHALL_MAX_REQUEST_BYTES", 3 * GOVHALL_MAX_UPLOAD_BYTES, minimum=DATA_UPLOAD_MAX_MEMORY_SIZE
)

# Sessions end after this many idle minutes (shared hall PCs; refreshed at most once a minute by
# core.middleware.IdleSessionMiddleware) and when the browser closes.
GOVHALL_SESSION_IDLE_MINUTES = env_int("GOVHALL_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_AGE = GOVHALL_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS (docs/deployment.md "HTTPS"): on in production unless a plain-HTTP intranet turns it off. Then
# cookies are secure, plain HTTP is redirected and browsers are told to use HTTPS only (HSTS). Behind a
# proxy that terminates TLS, GOVHALL_PROXY_SSL_HEADER names the header by which it says so
# ("X-Forwarded-Proto: https"); only then is such a header believed.
GOVHALL_HTTPS = env_bool("GOVHALL_HTTPS", PRODUCTION)
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("GOVHALL_SECURE_COOKIES", GOVHALL_HTTPS)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if GOVHALL_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("GOVHALL_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("GOVHALL_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GOVHALL_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browser makers about the whole domain: the domain's owner decides it.
    SECURE_HSTS_PRELOAD = env_bool("GOVHALL_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
_proxy_ssl_header = env_str("GOVHALL_PROXY_SSL_HEADER", "")
if _proxy_ssl_header:
    _name, _, _value = _proxy_ssl_header.partition(":")
    if not _name.strip() or not _value.strip():
        raise ConfigError(
            f"GOVHALL_PROXY_SSL_HEADER={_proxy_ssl_header!r} must be 'Header-Name: value', "
            "e.g. 'X-Forwarded-Proto: https'"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _name.strip().upper().replace("-", "_"), _value.strip())

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "govhall.core.schema.AutoSchema",  # error answers and x-roles (core.schema)
    # Session first (it names the `WWW-Authenticate` of a 401), then API tokens (core.tokens); basic auth
    # answers only outside production (core.signin): every basic-auth request hashes a password (~200 ms
    # of a core), a token or a session costs a lookup (docs/api.md "Signing in", docs/benchmarks.md).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "govhall.core.signin.SessionAuthentication",
        "govhall.core.tokens.TokenAuthentication",
        "govhall.core.signin.BasicAuthentication",
    ],
    # Every 4xx in one format: {"detail", "code", "errors": [{"field", "rule", "message"}]}.
    "EXCEPTION_HANDLER": "govhall.core.api_errors.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "govhall.core.pagination.LimitOffsetPagination",
    # JSON bodies bounded in size and nesting, refused with a 400 naming the rule (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "govhall.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
}

# API tokens (django-rest-knox): `Authorization: Token <token>`; only a SHA-512 digest is stored.
KNOX_TOKEN_MODEL = "core.ApiToken"
# knox's own migrations create its AuthToken table even when our model replaces it; that orphan table
# references the users and would stop PostgreSQL from truncating them (flush). Without its migrations the
# swapped model gets no table at all.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("GOVHALL_API_TOKEN_DAYS", 90, minimum=1)),
    "TOKEN_PREFIX": "gh_",
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "govhall API",
    "DESCRIPTION": (
        "政务服务中心 API: catalogue, working days, cases, fast lanes, supervision and statistics."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's validator badge would send the schema URL to validator.swagger.io: no external calls.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("kind", "state") get their own names instead of hashed ones.
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "govhall.cases.models.CaseKind",
        "CaseStateEnum": "govhall.cases.models.CaseState",
        "ApplicationStateEnum": "govhall.portal.models.ApplicationState",
        "SuspensionKindEnum": "govhall.cases.models.SuspensionKind",
        "DecisionEnum": "govhall.cases.models.Decision",
        "DeliveryMethodEnum": "govhall.cases.models.DeliveryMethod",
        "ApplicantKindEnum": "govhall.cases.models.ApplicantKind",
        "CardKindEnum": "govhall.supervision.models.cards.CardKind",
        "ChannelEnum": "govhall.cases.models.Channel",
        "StaffConsultationChannelEnum": "govhall.cases.serializers.STAFF_CONSULTATION_CHANNELS",
        "VisitStateEnum": "govhall.visits.models.VisitState",
        "BookingStateEnum": "govhall.visits.models.BookingState",
        "SlotKindEnum": "govhall.visits.models.SlotKind",
        "VisitSourceEnum": "govhall.visits.models.VisitSource",
        "KnowledgeVersionStateEnum": "govhall.hotline.models.knowledge.VersionState",
        "KnowledgeKindEnum": "govhall.hotline.models.knowledge.EntryKind",
    },
}

# Background work: SQLite-backed Huey by default, Redis when several machines share the work. The queue
# follows this instance's database (govhall.core.env.queue_config).
HUEY = {
    "immediate": env_bool("GOVHALL_HUEY_IMMEDIATE", GOVHALL_ENV == "test"),
    "consumer": {"workers": env_int("GOVHALL_HUEY_WORKERS", 2, minimum=1), "worker_type": "thread"},
    **queue_config(DATABASES["default"], data_dir=DATA_DIR, redis_url=env_str("GOVHALL_REDIS_URL", "")),
}

EMAIL_BACKEND = env_str("GOVHALL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("GOVHALL_FROM_EMAIL", "govhall@localhost")

# Supervision (docs/supervision.md): yellow when this many working days or this share of the limit remain
# (administrators override them per department or item), text messages, retries of failed deliveries.
GOVHALL_WARN_DAYS = env_int("GOVHALL_WARN_DAYS", 1, minimum=0)
GOVHALL_WARN_PERCENT = env_int("GOVHALL_WARN_PERCENT", 20, minimum=0)
GOVHALL_SMS_BACKEND = env_str("GOVHALL_SMS_BACKEND", "govhall.supervision.notify.sms.ConsoleBackend")
GOVHALL_SMS_URL = env_str("GOVHALL_SMS_URL", "")
GOVHALL_SMS_KEY = env_str("GOVHALL_SMS_KEY", "")
GOVHALL_SMS_TIMEOUT = env_int("GOVHALL_SMS_TIMEOUT", 10, minimum=1)
# Citizen sign-in (docs/citizen-sign-in.md): the text-message code, and a province's unified login.
GOVHALL_PORTAL_SMS_SIGNIN = env_bool("GOVHALL_PORTAL_SMS_SIGNIN", True)
GOVHALL_PORTAL_CODE_MINUTES = env_int("GOVHALL_PORTAL_CODE_MINUTES", 5, minimum=1)
GOVHALL_PORTAL_CODE_ATTEMPTS = env_int("GOVHALL_PORTAL_CODE_ATTEMPTS", 5, minimum=1)
# A province's unified login (统一身份认证) over OpenID Connect, through mozilla-django-oidc: on when a client
# id and either the issuer (endpoints from its discovery document) or all four endpoints are set.
GOVHALL_OIDC_ISSUER = env_str("GOVHALL_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("GOVHALL_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("GOVHALL_OIDC_CLIENT_SECRET", "")
_OIDC_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "GOVHALL_OIDC_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "GOVHALL_OIDC_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "GOVHALL_OIDC_USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "GOVHALL_OIDC_JWKS_ENDPOINT",
}
for _setting, _variable in _OIDC_ENDPOINTS.items():
    if env_str(_variable, ""):
        globals()[_setting] = env_str(_variable)
GOVHALL_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if (
    GOVHALL_OIDC_ENABLED
    and not GOVHALL_OIDC_ISSUER
    and not all(env_str(variable, "") for variable in _OIDC_ENDPOINTS.values())
):
    raise ConfigError(
        "GOVHALL_OIDC_CLIENT_ID is set: also set GOVHALL_OIDC_ISSUER, or all of "
        + ", ".join(_OIDC_ENDPOINTS.values())
    )
OIDC_RP_SIGN_ALGO = env_str("GOVHALL_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("GOVHALL_OIDC_SCOPES", "openid profile phone")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("GOVHALL_OIDC_TIMEOUT", 10, minimum=1)
# Claims that carry the real name, the ID number and the mobile number (providers name them differently).
GOVHALL_OIDC_CLAIM_NAME = env_str("GOVHALL_OIDC_CLAIM_NAME", "name")
GOVHALL_OIDC_CLAIM_ID_NUMBER = env_str("GOVHALL_OIDC_CLAIM_ID_NUMBER", "id_number")
GOVHALL_OIDC_CLAIM_PHONE = env_str("GOVHALL_OIDC_CLAIM_PHONE", "phone_number")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/portal/login/?failed=1"
OIDC_AUTHENTICATE_CLASS = "govhall.portal.oidc.UnifiedLoginRequestView"
OIDC_BACKEND = "govhall.portal.oidc.UnifiedLoginBackend"
if GOVHALL_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, OIDC_BACKEND]

GOVHALL_DELIVERY_ATTEMPTS = env_int("GOVHALL_DELIVERY_ATTEMPTS", 8, minimum=1)
# A worker's claim on a delivery it is sending; a killed worker's claims lapse after it (docs/deployment.md).
GOVHALL_DELIVERY_LEASE_SECONDS = env_int("GOVHALL_DELIVERY_LEASE_SECONDS", 300, minimum=1)
GOVHALL_CARD_REPLY_DAYS = env_int("GOVHALL_CARD_REPLY_DAYS", 3, minimum=1)
GOVHALL_SWEEP_MINUTES = env_int("GOVHALL_SWEEP_MINUTES", 1, minimum=1)

# Consultations (咨询件, docs/cases.md "Consultations"): the answer is due within this many working days of
# the question; a general question (about no item) goes to the department with this code, and an online
# question without an item hall to the hall with this code (empty: the first city-centre hall).
GOVHALL_CONSULTATION_ANSWER_DAYS = env_int("GOVHALL_CONSULTATION_ANSWER_DAYS", 5, minimum=1)
GOVHALL_CONSULTATION_DEPARTMENT = env_str("GOVHALL_CONSULTATION_DEPARTMENT", "")
GOVHALL_CONSULTATION_HALL = env_str("GOVHALL_CONSULTATION_HALL", "")

# What the header shows; a deployment sets its own centre.
GOVHALL_CENTRE_NAME = env_str("GOVHALL_CENTRE_NAME", "泉山市政务服务中心")
GOVHALL_COMPLAINT_PHONE = env_str("GOVHALL_COMPLAINT_PHONE", "0531-83312345")

# Remote help's live channel (docs/remote-help.md): wake-ups of the event streams cross processes through
# Redis when set (default: Huey's GOVHALL_REDIS_URL; empty: one process, each stream re-checks on its own).
GOVHALL_LIVE_REDIS_URL = env_str("GOVHALL_LIVE_REDIS_URL", env_str("GOVHALL_REDIS_URL", ""))
# Seconds between a stream's own looks at the database, and its longest life (EventSource reconnects).
GOVHALL_LIVE_RECHECK_SECONDS = env_int("GOVHALL_LIVE_RECHECK_SECONDS", 2, minimum=1)
GOVHALL_LIVE_STREAM_SECONDS = env_int("GOVHALL_LIVE_STREAM_SECONDS", 300, minimum=5)
# WebRTC ICE servers for the video call, JSON as RTCPeerConnection takes them, e.g.
# [{"urls": "turn:turn.gov.example:3478", "username": "govhall", "credential": "…"}]. Empty: host candidates
# only (both sides on one routed network without NAT).
GOVHALL_ICE_SERVERS = env_json_list("GOVHALL_ICE_SERVERS", [])
# The centre's phone for remote help when video is not possible (empty: the department's own phone).
GOVHALL_CENTRE_PHONE = env_str("GOVHALL_CENTRE_PHONE", "")

# How often (seconds) a process checks whether another process changed the working-day calendar.
GOVHALL_CALENDAR_CHECK_SECONDS = env_int("GOVHALL_CALENDAR_CHECK_SECONDS", 2, minimum=0)
# How often (seconds) a process reads the supervision threshold rules again (changes made in the same
# process are used at once); docs/deployment.md.
GOVHALL_RULES_CHECK_SECONDS = env_int("GOVHALL_RULES_CHECK_SECONDS", 2, minimum=0)
# How often (seconds) a process looks at the change stamps of what it keeps (the portal's page store):
# a change made by another process is seen within this time (govhall/core/stamps.py).
GOVHALL_STAMP_CHECK_SECONDS = env_float("GOVHALL_STAMP_CHECK_SECONDS", 2.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GOVHALL_LOG_LEVEL", "INFO")},
    # The Huey consumer adds its own handler to the "huey" logger; propagating too would print twice.
    # django-axes logs every sign-in at INFO; its warnings (failures, lockouts) are what matters.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "huey": {"propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# Online applications (portal, docs/portal-apply.md): a draft untouched this many days is removed, with a
# reminder this many days before; pre-review (预审) of an online case has this step limit in working days.
GOVHALL_DRAFT_KEEP_DAYS = env_int("GOVHALL_DRAFT_KEEP_DAYS", 30, minimum=1)
GOVHALL_DRAFT_REMINDER_DAYS = env_int("GOVHALL_DRAFT_REMINDER_DAYS", 5, minimum=0)
GOVHALL_PREREVIEW_DAYS = env_int("GOVHALL_PREREVIEW_DAYS", 1, minimum=0)

# --- followup (issue 16, docs/rating-follow-up.md) ---
# The follow-up of a bad rating (差评整改), in working days: call back and verify, rectify and report back,
# and the centre's decision on a department's appeal (申诉). Some provinces rectify within 15.
GOVHALL_FOLLOWUP_CALLBACK_DAYS = env_int("GOVHALL_FOLLOWUP_CALLBACK_DAYS", 1, minimum=1)
GOVHALL_FOLLOWUP_RECTIFY_DAYS = env_int("GOVHALL_FOLLOWUP_RECTIFY_DAYS", 5, minimum=1)
GOVHALL_FOLLOWUP_APPEAL_DAYS = env_int("GOVHALL_FOLLOWUP_APPEAL_DAYS", 5, minimum=1)
# How often (minutes) the follow-ups' reminders and escalations are swept.
GOVHALL_FOLLOWUP_SWEEP_MINUTES = env_int("GOVHALL_FOLLOWUP_SWEEP_MINUTES", 5, minimum=1)
# --- end followup ---
# --- followup (issue 16): the follow-up's states share the field name "state" with other choice sets ---
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["FollowUpStateEnum"] = (
    "govhall.visits.models.followups.FollowUpState"
)
# --- end followup ---
# --- rating (issue 16, docs/ratings.md) ---
# 好差评: a rating may be replaced within this many days of the first one; a concluded case still unrated
# after this many days gets one invitation (inbox and SMS); the follow-up of a bad rating of something
# without a department of its own (the website) goes to the department with this code.
GOVHALL_RATING_CHANGE_DAYS = env_int("GOVHALL_RATING_CHANGE_DAYS", 7, minimum=0)
GOVHALL_RATING_INVITE_DAYS = env_int("GOVHALL_RATING_INVITE_DAYS", 3, minimum=1)
GOVHALL_FOLLOWUP_DEPARTMENT = env_str("GOVHALL_FOLLOWUP_DEPARTMENT", "")
# The rating's choice sets in the API (fields "level", "channel", "rated" are shared with other apps).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "RatingLevelEnum": "govhall.visits.models.RatingLevel",
    "RatingChannelEnum": "govhall.visits.models.RatingChannel",
    "RatedObjectEnum": "govhall.visits.models.RatedObject",
}
# part visit (docs/visits.md): appointment slots are generated this many days ahead; raising the kiosk key
# version revokes every kiosk device link given before; the hall display polls every this many seconds.
GOVHALL_SLOT_DAYS_AHEAD = env_int("GOVHALL_SLOT_DAYS_AHEAD", 14, minimum=1)
GOVHALL_KIOSK_KEY_VERSION = env_int("GOVHALL_KIOSK_KEY_VERSION", 1, minimum=1)
GOVHALL_DISPLAY_POLL_SECONDS = env_int("GOVHALL_DISPLAY_POLL_SECONDS", 2, minimum=1)

# --- hotline (issue 17, docs/hotline.md) ---
# 回访: after this many callback attempts not reached, the callback ends as unreachable (left out of the
# satisfaction rate, reported apart). 重办: a ticket sent back this many times is escalated to a supervision
# order (提级督办). Closed tickets' contact data are removed after the retention period (days).
GOVHALL_HOTLINE_CALLBACK_ATTEMPTS = env_int("GOVHALL_HOTLINE_CALLBACK_ATTEMPTS", 3, minimum=1)
GOVHALL_HOTLINE_REDO_LIMIT = env_int("GOVHALL_HOTLINE_REDO_LIMIT", 3, minimum=1)
GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS = env_int("GOVHALL_HOTLINE_CONTACT_RETENTION_DAYS", 730, minimum=1)
# How often (minutes) the dispatches' reminders and escalations are swept.
GOVHALL_HOTLINE_SWEEP_MINUTES = env_int("GOVHALL_HOTLINE_SWEEP_MINUTES", 5, minimum=1)
# 延期: the extensions of one dispatch add up to at most this many working days (Shandong: 10).
GOVHALL_HOTLINE_MAX_EXTENSION_DAYS = env_int("GOVHALL_HOTLINE_MAX_EXTENSION_DAYS", 10, minimum=1)
# part desk: the telephony's (CTI) shared token for POST /api/v1/hotline/cti/incoming-call (empty: the hook
# refuses every call), and seat extensions mapped to operators' usernames ("8001=operator,8002=op2").
GOVHALL_HOTLINE_CTI_TOKEN = env_str("GOVHALL_HOTLINE_CTI_TOKEN", "")
GOVHALL_HOTLINE_CTI_EXTENSIONS = dict(
    item.split("=", 1) for item in env_list("GOVHALL_HOTLINE_CTI_EXTENSIONS", []) if "=" in item
)
# The fewest dispatches assessed for closure in the month for a unit to be ranked (docs/hotline-stats.md).
GOVHALL_HOTLINE_RANK_MIN_SAMPLE = env_int("GOVHALL_HOTLINE_RANK_MIN_SAMPLE", 10, minimum=1)
# 热点 (issue 19, docs/hotline-hot.md): an area × subject is hot in a week when its tickets reach the minimum
# and exceed MULTIPLE × the mean of the BASELINE_WEEKS weeks before; subjects counted at SUBJECT_DIGITS
# (2, 4 or 6: level 1, 2 or 3). Checked with clear errors by govhall.hotline.hot.HotRule.from_settings().
GOVHALL_HOTLINE_HOT_MULTIPLE = env_str("GOVHALL_HOTLINE_HOT_MULTIPLE", "2")
GOVHALL_HOTLINE_HOT_MIN_COUNT = env_int("GOVHALL_HOTLINE_HOT_MIN_COUNT", 5, minimum=1)
GOVHALL_HOTLINE_HOT_BASELINE_WEEKS = env_int("GOVHALL_HOTLINE_HOT_BASELINE_WEEKS", 8, minimum=1)
GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS = env_int("GOVHALL_HOTLINE_HOT_SUBJECT_DIGITS", 6, minimum=2)
# 重复件 (issue 19, docs/hotline.md): while the operator types, open tickets received within this many days
# are suggested when they have the same caller, or the same subject, a place within this many metres (same
# area where a ticket has no coordinates) and a text similarity (bigram Dice, in %) of at least this much.
GOVHALL_HOTLINE_SIMILAR_DAYS = env_int("GOVHALL_HOTLINE_SIMILAR_DAYS", 30, minimum=1)
GOVHALL_HOTLINE_SIMILAR_METRES = env_int("GOVHALL_HOTLINE_SIMILAR_METRES", 500, minimum=1)
GOVHALL_HOTLINE_SIMILAR_PERCENT = env_int("GOVHALL_HOTLINE_SIMILAR_PERCENT", 30, minimum=1)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "TicketStateEnum": "govhall.hotline.models.TicketState",
    "DispatchStateEnum": "govhall.hotline.models.DispatchState",
    "TicketChannelEnum": "govhall.hotline.models.Channel",
    "CallbackOutcomeEnum": "govhall.hotline.models.CallbackOutcome",
    # cases' step outcome is also a field named "outcome": both get their own names.
    "StepOutcomeEnum": "govhall.cases.models.work.StepOutcome",
}
# --- end hotline ---
# --- remote help (issue 18, docs/remote-help.md) ---
# The session's choice sets in the API ("state", "outcome" are shared with other apps).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] |= {
    "HelpStateEnum": "govhall.portal.models.HelpState",
    "HelpOutcomeEnum": "govhall.portal.models.HelpOutcome",
    "HelpAuthorKindEnum": "govhall.portal.models.AuthorKind",
}
# --- end remote help ---
