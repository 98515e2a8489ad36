"""Settings for the Red Property portal, all read from the environment.

With no environment at all the project runs on the embedded default: a SQLite
file in the project folder, Celery tasks executed eagerly, an in-memory cache.
Set DATABASE_URL, CELERY_BROKER_URL and REDIS_URL for the production stack.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
IS_PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not IS_PRODUCTION)

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
if IS_PRODUCTION:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production.")
else:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "django-insecure-local-development-key-not-for-production"
    )

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
# (The test runner adds "testserver" itself; it is never allowed outside tests.)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# INTERNATIONALISATION
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "communities",
    "properties",
    "complaints",
    "party_orgs",
    "notifications",
    "bench",
]
# Demo data and demo logins (`make run`): never installed, never imported in production.
if DEBUG or not IS_PRODUCTION:
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.request_guard.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.request_guard.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "communities.access.middleware.StaffSessionTimeoutMiddleware",
    "communities.access.middleware.SecondFactorRequiredMiddleware",
    "communities.access.first_password.PasswordChangeRequiredMiddleware",
    "communities.access.middleware.StaffNoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "communities.audit.AuditRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "django.template.context_processors.i18n",
                "communities.navigation.navigation",
                "communities.context_processors.official_calendar_banner",
                "notifications.context_processors.unread_count",
            ],
        },
    },
]

# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL selects the production database (postgres://user:pass@host:5432/name);
# without it, a SQLite file in the project folder.
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if not _database.get("ENGINE"):
        raise ImproperlyConfigured("DATABASE_URL names an unsupported database scheme.")
    _database.setdefault("OPTIONS", {})
    if "postgresql" in _database["ENGINE"]:
        _database["OPTIONS"].setdefault("connect_timeout", 5)
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
        "OPTIONS": {"timeout": 20},
    }
DATABASES = {"default": _database}
# DATABASE_REPLICA_URL (optional): a read replica of the same database; dashboard reads
# (metric snapshots) go there through config.db_router. Tests mirror it onto default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]

# CACHES
# https://docs.djangoproject.com/en/5.2/topics/cache/
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "redprop",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task not acknowledged within this many seconds (acks_late): keep it
# longer than the slowest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
# Sent outbox messages (complaints.OutboxMessage) are kept this many days, then deleted by
# the daily beat task complaints.tasks.purge_sent_outbox; unsent ones are never deleted.
OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", 90))
# A queue per task family: one worker (`make worker`) takes them all; on several hosts,
# each worker takes some (`celery -A config worker -Q metrics`), and a long recompute
# never delays a resident's text message.
WORKER_QUEUES = ("celery", "metrics", "notifications")
CELERY_TASK_ROUTES = {
    "communities.tasks.apply_retention": {"queue": "celery"},
    "communities.tasks.*": {"queue": "metrics"},
    "complaints.tasks.deliver_outbox_message": {"queue": "notifications"},
    "complaints.tasks.flush_outbox": {"queue": "notifications"},
    "complaints.tasks.purge_sent_outbox": {"queue": "notifications"},
}
# Metric snapshots (communities.metrics.writer): a write marks its compound-months dirty.
# On the embedded default (eager tasks, no beat) the marks are refreshed right after the
# write commits; on the production stack the beat refreshes them every
# METRICS_REFRESH_SECONDS. The dashboard flags figures with a change waiting longer than
# METRICS_STALE_AFTER_SECONDS.
METRICS_REFRESH_AFTER_COMMIT = env_bool("METRICS_REFRESH_AFTER_COMMIT",
                                        default=CELERY_TASK_ALWAYS_EAGER)
METRICS_REFRESH_SECONDS = int(os.environ.get("METRICS_REFRESH_SECONDS", "60"))
METRICS_STALE_AFTER_SECONDS = int(os.environ.get("METRICS_STALE_AFTER_SECONDS",
                                                 str(2 * METRICS_REFRESH_SECONDS)))
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # retention: nightly, anonymise residents' personal data past RETENTION_POLICY.
    "communities-apply-retention": {
        "task": "communities.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=50),
    },
    # complaints: remind handlers before deadlines, escalate overdue complaints.
    "complaints-check-deadlines": {
        "task": "complaints.tasks.check_complaint_deadlines",
        "schedule": 15 * 60,
    },
    # complaints: queue again the text messages the broker could not take (outbox).
    "complaints-flush-outbox": {
        "task": "complaints.tasks.flush_outbox",
        "schedule": 60,
    },
    # complaints: daily, delete sent outbox messages older than OUTBOX_RETENTION_DAYS
    # (pending and failing ones are kept).
    "complaints-purge-sent-outbox": {
        "task": "complaints.tasks.purge_sent_outbox",
        "schedule": crontab(hour=3, minute=40),
    },
    # party_orgs: daily, joint-meeting decisions due today (or late) reach the community.
    "party-orgs-notify-due-decisions": {
        "task": "party_orgs.tasks.notify_due_decisions",
        "schedule": crontab(hour=7, minute=30),
    },
    # properties: owners' committee terms end by the calendar.
    "properties-refresh-owners-organisations": {
        "task": "properties.tasks.refresh_owners_organisations",
        "schedule": 6 * 60 * 60,
    },
    # properties: a fee import whose task the broker lost is queued again.
    "properties-requeue-stale-fee-imports": {
        "task": "properties.tasks.requeue_stale_fee_imports",
        "schedule": 15 * 60,
    },
    # metrics: every minute only what changed, every night the last 13 months in full.
    "metrics-refresh-dirty": {
        "task": "communities.tasks.refresh_dirty_metrics",
        "schedule": METRICS_REFRESH_SECONDS,
    },
    "metrics-nightly-fee": {
        "task": "communities.tasks.recompute_family",
        "schedule": crontab(hour=2, minute=0),
        "kwargs": {"family": "fee", "months": 13},
    },
    "metrics-nightly-complaints": {
        "task": "communities.tasks.recompute_family",
        "schedule": crontab(hour=2, minute=10),
        "kwargs": {"family": "complaints", "months": 13},
    },
    "metrics-nightly-disclosure": {
        "task": "communities.tasks.recompute_family",
        "schedule": crontab(hour=2, minute=20),
        "kwargs": {"family": "disclosure", "months": 13},
    },
    "metrics-nightly-fulfilment": {
        "task": "communities.tasks.recompute_family",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"family": "fulfilment", "months": 13},
    },
}

# PRODUCTION REQUIREMENTS (issue 16)
# A half-configured production does not start: no SQLite file in the code folder, no
# per-process cache (per-process rate limits), no eager Celery (texts sent in the request).
PRODUCTION_REQUIRED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOWED_HOSTS")
if IS_PRODUCTION:
    _missing = [name for name in PRODUCTION_REQUIRED if not os.environ.get(name, "").strip()]
    if _missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs " + ", ".join(_missing)
            + " (see README, Production stack)."
        )
    if "postgresql" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DATABASE_URL to name a PostgreSQL database (postgres://…)."
        )

# AUTHENTICATION
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTHENTICATION_BACKENDS = [
    # Login throttling first: it refuses a locked-out username/IP before any password check.
    "communities.access.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    "communities.access.backends.StaffRoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not the demo password printed by `make run`, not the portal's own name (issue 16).
    {"NAME": "communities.access.passwords.PortalPasswordValidator"},
]

# STATIC AND MEDIA
# https://whitenoise.readthedocs.io/
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# SECURITY
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The load balancer probes /healthz over plain HTTP (issue 16).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Staff sessions end after SESSION_IDLE_TIMEOUT seconds without a request and, in any
# case, SESSION_ABSOLUTE_TIMEOUT seconds after login (communities.access.middleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", 30 * 60))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

# Content Security Policy (django-csp): no inline scripts, every asset from this site.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Login throttling (django-axes): 5 failures for one username from one address lock
# that pair out for 15 minutes.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# BEHIND THE PROXY (issue 16)
# How many reverse proxies we run in front of the portal (nginx: 1). The client's address
# is then the one the last of them appended to X-Forwarded-For (core.client_address):
# rate limits, the tracking lock-out, django-axes and the audit all use it. 0: no proxy,
# REMOTE_ADDR is the client. Never set it higher than the proxies really in front.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"

# Schema and API docs (/api/schema/, /api/docs/) readable without a staff login?
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", default=not IS_PRODUCTION)

# Second factor (django-otp TOTP): required for these roles, available to all staff.
OTP_REQUIRED_ROLES = (
    ["city_official", "district_official"]
    if env_bool("OTP_REQUIRED_FOR_OFFICIALS", default=IS_PRODUCTION)
    else []
)
OTP_TOTP_ISSUER = "红色物业治理平台"

# REST FRAMEWORK
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # Staff use their session (with its second factor); client systems an API token issued
    # by an administrator (communities.access.api_tokens). No HTTP Basic: it skipped TOTP.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "communities.access.api_tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "communities.access.second_factor.SecondFactorPassed",
    ],
    # Masked fields cannot be filtered or sorted on by users who see them masked.
    "DEFAULT_FILTER_BACKENDS": [
        "communities.access.pii.PiiQueryGuard",
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "红色物业治理平台 API",
    "DESCRIPTION": "Red Property community governance portal",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI: staff only (and past their second factor) when
    # API_DOCS_PUBLIC is off, as it is in production (communities.access.second_factor).
    "SERVE_PERMISSIONS": ["communities.access.second_factor.ApiDocsPermission"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set (fields called "status", "channel", "mode" elsewhere).
    "ENUM_NAME_OVERRIDES": {
        "ManagementModeEnum": "communities.models.ManagementMode",
        "ContractStatusEnum": "properties.models.ContractStatus",
        "RenovationStatusEnum": "properties.models.RenovationStatus",
        "PaymentChannelEnum": "properties.models.PaymentChannel",
        "ComplaintStatusEnum": "complaints.models.Status",
        "ComplaintChannelEnum": "complaints.models.Channel",
        "HandlerKindEnum": "complaints.models.HandlerKind",
        "ActionItemStatusEnum": "party_orgs.models.ActionStatus",
        "DemonstrationPointStatusEnum": "party_orgs.models.PointStatus",
        "ListItemStatusEnum": "party_orgs.models.ItemStatus",
        "StaffRoleEnum": "communities.models.StaffRole",
    },
}

# DOMAIN
# Complaints: how residents are texted (complaints.notifications); the SMS gateway
# backend is "complaints.notifications.SmsGatewayNotifier".
NOTIFIER_BACKEND = os.environ.get(
    "NOTIFIER_BACKEND", "complaints.notifications.LoggingNotifier"
)
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
# Accounts (communities.accounts): one-time passwords and password-reset codes are texted
# to staff through core.sms; "complaints.notifications.SmsGatewayNotifier" sends them
# through the same gateway as residents' messages. ACCOUNT_RATE_LIMITS overrides the
# reset-code limits, {name: (limit, window seconds)}: "reset_ip", "reset_login".
# RETENTION (communities.retention, issue 15): how long residents' personal data is kept,
# in days. After it, the nightly task (and `manage.py apply_retention`) anonymises the
# personal fields (names, phones, runs of 7+ digits in free text) and keeps the records, so
# every metric stays the same; each batch leaves an audit event.
# - complaints_withdrawn_or_rejected_days: after a complaint was withdrawn or rejected;
# - complaints_other_days: after a resolved complaint was closed (or resolved);
# - households_after_leaving_days: grace after Household.left_on (the owner moved out);
# - vulnerable_residents_after_leaving_days: grace after VulnerableResident.left_on.
# The outbox of text messages keeps OUTBOX_RETENTION_DAYS (above).
RETENTION_POLICY = {
    "complaints_withdrawn_or_rejected_days": int(
        os.environ.get("RETENTION_COMPLAINTS_WITHDRAWN_DAYS", 365)
    ),
    "complaints_other_days": int(os.environ.get("RETENTION_COMPLAINTS_DAYS", 5 * 365)),
    "households_after_leaving_days": int(os.environ.get("RETENTION_HOUSEHOLDS_DAYS", 30)),
    "vulnerable_residents_after_leaving_days": int(
        os.environ.get("RETENTION_VULNERABLE_DAYS", 30)
    ),
}
STAFF_SMS_BACKEND = os.environ.get("STAFF_SMS_BACKEND", "core.sms.LoggingSms")
ACCOUNT_RATE_LIMITS: dict = {}
# Accounts created by `make run` for trying the portal; refused when DEBUG is off.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "hongse-demo-2026")
# Dashboard (communities.metrics.definitions): red/amber/green thresholds per metric,
# {code: (good, fair)}, and the minimum denominator for a unit to be ranked, {code: n};
# metrics not listed keep the defaults of communities.metrics.definitions.
METRIC_THRESHOLDS: dict = {}
METRIC_MIN_SAMPLE: dict = {}
# The dashboard's summaries read from raw records (meetings, patrols, mode changes) are
# kept this many seconds per unit, month, scope and language, so that a city's page costs
# the same as a community's (0: computed on every request).
DASHBOARD_SUMMARY_SECONDS = int(os.environ.get("DASHBOARD_SUMMARY_SECONDS", 300))

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Verbose names used in the admin header; kept here so they are translated once.
SITE_TITLE = _("Red Property governance portal")
