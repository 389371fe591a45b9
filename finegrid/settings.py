"""finegrid's one settings module. Every setting comes from a FINEGRID_* environment variable
read through a typed helper; a bad value fails at start-up, never later (see docs/settings.md)."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DEMO_SECRET_KEY = "finegrid-demo-only-not-secret"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("FINEGRID_DEBUG")
DEMO = env_bool("FINEGRID_DEMO")
# The test runners import settings with no environment of their own; they get the demo key.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = env_str("FINEGRID_SECRET_KEY")
if not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY:
    if not (DEBUG or DEMO or TESTING):
        raise ImproperlyConfigured(
            "FINEGRID_SECRET_KEY is missing or is the demo key; set a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or FINEGRID_DEMO=1 for a demonstration."
        )
    SECRET_KEY = DEMO_SECRET_KEY
elif len(SECRET_KEY) < 50 and not (DEMO or TESTING):
    # Django's own check (security.W009) asks for 50 characters; a short secret signs sessions
    # and seals the anonymous reporters' phones (cases/phones.py), so refuse it at start.
    raise ImproperlyConfigured(f"FINEGRID_SECRET_KEY has {len(SECRET_KEY)} characters; use at least 50 random ones")
# The key anonymous reporters' phones are sealed with is derived from this, or from the secret key
# when it is empty (then a new secret key makes the sealed phones unreadable: set this to keep them).
FINEGRID_PHONE_KEY = env_str("FINEGRID_PHONE_KEY")

ALLOWED_HOSTS = env_list("FINEGRID_ALLOWED_HOSTS", "127.0.0.1,localhost")

DATA_DIR = Path(env_str("FINEGRID_DATA_DIR", "var")).resolve()
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"


def database_from_env() -> dict:
    url = env_str("FINEGRID_DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "finegrid.sqlite3",
        # A connection kept for a minute per server thread: opening one (its PRAGMAs) and closing
        # it (the last one out checkpoints the WAL) cost more than a small request's own work.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; the busy timeout (seconds)
            # makes a writer wait for the lock instead of failing at once.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_env()}


def caches_from_env() -> dict:
    """The default cache stays in each process (it holds what a process may keep: a catalogue, the
    API keys); `shared` is what every worker must agree on — the rate limits — in the database
    (the table core's migrations make), or in Redis when FINEGRID_REDIS_URL is set."""
    url = env_str("FINEGRID_REDIS_URL")
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"FINEGRID_REDIS_URL must look like redis://127.0.0.1:6379/0, not {url!r}")
    shared = ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url} if url else
              {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "finegrid_shared_cache"})
    shared["KEY_PREFIX"] = env_str("FINEGRID_CACHE_PREFIX", "finegrid")
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "shared": shared}


CACHES = caches_from_env()


def trusted_proxies() -> list[str]:
    """FINEGRID_TRUSTED_PROXIES: the addresses or networks (10.0.0.0/8) of the reverse proxies whose
    X-Forwarded-For is believed (core/throttle.py); empty = none, REMOTE_ADDR is the client."""
    import ipaddress

    items = env_list("FINEGRID_TRUSTED_PROXIES")
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"FINEGRID_TRUSTED_PROXIES: {item!r} is not an address or a network") from None
    return items


FINEGRID_TRUSTED_PROXIES = trusted_proxies()
# Outbound webhooks (cases/outbound.py) refuse loopback, private and link-local addresses (SSRF)
# unless this is on: a district whose own systems sit on its private network.
FINEGRID_WEBHOOKS_PRIVATE = env_bool("FINEGRID_WEBHOOKS_PRIVATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "finegrid.core",
    "finegrid.grid",
    "finegrid.org",
    "finegrid.cases",
    "finegrid.sensing",
    "finegrid.insight",
    "finegrid.intake",
    "finegrid.tasks",  # 大督查: key tasks from the work report, on the case engine
    "finegrid.petitions",  # 信访: the 信访工作条例 chain, 接访 and 包案
    "finegrid.disputes",  # 矛盾纠纷: the dispute register and its mediation, on the case engine
    "finegrid.console",
    "finegrid.demo",  # the demo district and its history (`finegrid seed-demo`), above every app
    "finegrid.bench",  # `finegrid bench`: above every app, imported by none
]
if TESTING:
    # The shapes of the apps to come (a petition's clocks, a key task's planned curve), run by the
    # case engine in its tests.
    INSTALLED_APPS.append("finegrid.cases.tests.shapes")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "finegrid.core.csp.ContentSecurityPolicyMiddleware",  # every page: scripts and frames from here only
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "finegrid.console.middleware.IdleTimeoutMiddleware",  # 等保 2.0: idle sessions end
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "finegrid.urls"
WSGI_APPLICATION = "finegrid.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "finegrid.console.security.CharacterClassValidator"},  # 等保 2.0: three kinds of character
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"  # each role's own desk
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 3600  # one working day
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
HTTPS = env_bool("FINEGRID_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:  # served over TLS only: browsers are told to come back over it for a year (HSTS)
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_SSL_REDIRECT = env_bool("FINEGRID_HTTPS_REDIRECT")
    if FINEGRID_TRUSTED_PROXIES:  # TLS ends at the proxy, which says so in this header
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Chinese first, English complete. Times are stored in UTC and shown in Shanghai time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks here at start-up
# Demo and debug serve static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING

# Uploads: bounded so a single request cannot fill the disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FINEGRID_MAX_GRID_FILE_BYTES = 200 * 1024 * 1024

# An overlap between neighbouring grids (or a grid's overhang past its community) thinner than
# this many metres on average along the boundary is drawing noise, not an error.
FINEGRID_OVERLAP_TOLERANCE_M = float(env_str("FINEGRID_OVERLAP_TOLERANCE_M", "0.1"))
# 等保 2.0 (口令定期更换): a password older than this many days must be changed at the next page; 0 = never.
_password_days = env_str("FINEGRID_PASSWORD_MAX_AGE_DAYS", "90")
if not (_password_days.isascii() and _password_days.isdigit()):
    raise ImproperlyConfigured(f"FINEGRID_PASSWORD_MAX_AGE_DAYS must be a whole number of days, not {_password_days!r}")
FINEGRID_PASSWORD_MAX_AGE_DAYS = int(_password_days)

# Outbound notices (finegrid/cases/outbound.py). SMS: the dotted path of a sender class, empty = off.
# E-mail: SMTP when a host is set, else printed to the console.
FINEGRID_SMS_SENDER = env_str("FINEGRID_SMS_SENDER")
EMAIL_HOST = env_str("FINEGRID_EMAIL_HOST")
if not env_str("FINEGRID_EMAIL_PORT", "25").isdigit():
    raise ImproperlyConfigured(f"FINEGRID_EMAIL_PORT must be a port number, not {env_str('FINEGRID_EMAIL_PORT')!r}")
EMAIL_PORT = int(env_str("FINEGRID_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = env_str("FINEGRID_EMAIL_FROM", "finegrid@localhost")
EMAIL_HOST_USER = env_str("FINEGRID_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("FINEGRID_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("FINEGRID_EMAIL_STARTTLS")  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("FINEGRID_EMAIL_SSL")  # TLS from the start, usually on port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("set FINEGRID_EMAIL_STARTTLS or FINEGRID_EMAIL_SSL, not both")
EMAIL_TIMEOUT = 20  # a dead mail server must not hold up the worker
if not EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Sensing (finegrid/sensing). The MQTT broker the ingest consumer subscribes to, e.g.
# mqtt://127.0.0.1:1883; empty = no broker: the demo feeds readings in process.
FINEGRID_MQTT_URL = env_str("FINEGRID_MQTT_URL")
# The first level(s) of every topic finegrid uses ("finegrid/{site}/{device}/telemetry"): a broker
# shared with other systems, or by a staging and a production finegrid, gives each its own root.
FINEGRID_MQTT_TOPIC_ROOT = env_str("FINEGRID_MQTT_TOPIC_ROOT", "finegrid").strip()
if not FINEGRID_MQTT_TOPIC_ROOT or any(
        not level or level.startswith("$") or set(level) & {"+", "#"} for level in FINEGRID_MQTT_TOPIC_ROOT.split("/")):
    raise ImproperlyConfigured("FINEGRID_MQTT_TOPIC_ROOT must be one or more topic levels without wildcards, "
                               f"such as finegrid or guangling/finegrid, not {FINEGRID_MQTT_TOPIC_ROOT!r}")
# A fixed client id: with clean start off (MQTT 5), the broker keeps the consumer's queue across restarts.
FINEGRID_MQTT_CLIENT_ID = env_str("FINEGRID_MQTT_CLIENT_ID", "finegrid-ingest")
# The nice value `finegrid ingest-mqtt` asks for (sensing/priority.py): alarms before the box's other work.
_nice = env_str("FINEGRID_INGEST_NICE", "-10").strip()
if not _nice.lstrip("-").isdigit() or not -20 <= int(_nice) <= 19:
    raise ImproperlyConfigured(f"FINEGRID_INGEST_NICE must be a whole number from -20 to 19, not {_nice!r}")
FINEGRID_INGEST_NICE = int(_nice)
# …and for the PostgreSQL server process of its alarms' connection, when the database is local (0: not).
FINEGRID_INGEST_NICE_DATABASE = env_str("FINEGRID_INGEST_NICE_DATABASE", "1").strip() != "0"

# 联动: the unit that liaises with each emergency service (110 police, 119 fire, 120 ambulance) is
# told of a 紧急 case that belongs to it as well ("110=gaj,119=xfjy,120=wjw"; the demo's own units).
FINEGRID_LIAISONS = dict(item.split("=", 1) for item in env_list(
    "FINEGRID_LIAISONS", "110=gaj,119=xfjy,120=wjw" if DEMO else "") if "=" in item)
# The alarm colour from which an alarm opens a case: blue, yellow, orange or red.
FINEGRID_SENSING_CASE_LEVEL = env_str("FINEGRID_SENSING_CASE_LEVEL", "orange")
if FINEGRID_SENSING_CASE_LEVEL not in ("blue", "yellow", "orange", "red"):
    raise ImproperlyConfigured(
        f"FINEGRID_SENSING_CASE_LEVEL must be blue, yellow, orange or red, not {FINEGRID_SENSING_CASE_LEVEL!r}")
if FINEGRID_MQTT_URL and not FINEGRID_MQTT_URL.startswith(("mqtt://", "tcp://")):
    raise ImproperlyConfigured(f"FINEGRID_MQTT_URL must look like mqtt://host:1883, not {FINEGRID_MQTT_URL!r}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "finegrid.core.logs.StderrHandler"}},  # see core/logs.py
    "root": {"handlers": ["console"], "level": env_str("FINEGRID_LOG_LEVEL", "INFO")},
}

# The base map under the maps (core/basemap.py, the README's settings): a tile service the district
# configures. Empty = no base map: the console keeps its server-drawn maps, which need no network.
# KIND is xyz (URL a {z}/{x}/{y} template), wmts (URL a WMTS endpoint, with LAYER and MATRIX_SET,
# GoogleMapsCompatible tiling) or tianditu (天地图: KEY is its tk; URL may be left empty).
FINEGRID_BASEMAP = {
    "kind": env_str("FINEGRID_BASEMAP_KIND", "xyz"),
    "url": env_str("FINEGRID_BASEMAP_URL"),
    "labels_url": env_str("FINEGRID_BASEMAP_LABELS_URL"),  # a second layer of names over the first
    "key": env_str("FINEGRID_BASEMAP_KEY"),
    "layer": env_str("FINEGRID_BASEMAP_LAYER"),
    "matrix_set": env_str("FINEGRID_BASEMAP_MATRIX_SET"),
    "crs": env_str("FINEGRID_BASEMAP_CRS", "wgs84"),  # wgs84 (天地图, CGCS2000), gcj02 (高德), bd09 (百度)
    "attribution": env_str("FINEGRID_BASEMAP_ATTRIBUTION"),
    "approval": env_str("FINEGRID_BASEMAP_APPROVAL"),  # 审图号: only an approved map is shown to the public
    "max_zoom": env_str("FINEGRID_BASEMAP_MAX_ZOOM", "18"),
}
if FINEGRID_BASEMAP["kind"] not in ("xyz", "wmts", "tianditu"):
    raise ImproperlyConfigured(f"FINEGRID_BASEMAP_KIND must be xyz, wmts or tianditu, not {FINEGRID_BASEMAP['kind']!r}")
if FINEGRID_BASEMAP["crs"] not in ("wgs84", "gcj02", "bd09"):
    raise ImproperlyConfigured(f"FINEGRID_BASEMAP_CRS must be wgs84, gcj02 or bd09, not {FINEGRID_BASEMAP['crs']!r}")
if not FINEGRID_BASEMAP["max_zoom"].isdigit():
    raise ImproperlyConfigured(f"FINEGRID_BASEMAP_MAX_ZOOM must be a whole number, not {FINEGRID_BASEMAP['max_zoom']!r}")
