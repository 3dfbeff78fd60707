"""Settings shared by every run mode, read from the environment.

With no variable set the embedded default runs: SQLite under var/, in-process tasks, local
memory cache, console mail, the database search backend. Each integration switches on when its
URL is set (see .env.example).
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy
from machina import MACHINA_MAIN_STATIC_DIR, MACHINA_MAIN_TEMPLATE_DIR

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Ours first so our templates, commands and translations take precedence.
    "portal.members",
    "portal.rewards",
    "portal.pagecache",
    "portal.loaddata",
    "portal.messaging",
    "portal.activities",
    "portal.surveys",
    "portal.campaigns",
    "cms",
    "search",
    # machina overrides (label = machina's label, default = True in apps.py)
    "forum.boards",
    "forum.cases",
    "forum.insight",
    "forum.machina_apps.forum_search",
    "forum.machina_apps.forum",
    "forum.machina_apps.forum_conversation",
    "forum.machina_apps.forum_feeds",
    "forum.machina_apps.forum_member",
    "forum.machina_apps.forum_tracking",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # allauth
    "allauth",
    "allauth.account",
    # tasks
    "django_tasks",
    "django_tasks_db",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # django-machina
    "mptt",
    "widget_tweaks",
    "machina",
    "forum.machina_apps.forum_conversation.forum_attachments",
    "machina.apps.forum_conversation.forum_polls",
    "machina.apps.forum_moderation",
    "machina.apps.forum_permission",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so cached pages carry the header too.
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: a visitor's cached page skips them (see PAGE_CACHE below).
    "portal.pagecache.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.middleware.ForumPermissionMiddleware",
    # Last: it serves members' kept pages once the view is known (MEMBER_PAGE_CACHE below).
    "portal.pagecache.members.MemberPageCacheMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

THEME = env("THEME", default="default")
THEME_DIR = BASE_DIR / "themes" / THEME

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [THEME_DIR / "templates", MACHINA_MAIN_TEMPLATE_DIR],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "machina.core.context_processors.metadata",
                "portal.context_processors.site",
                # After Django's csrf processor: replaces the token on pages filled later.
                "portal.pagecache.context_processors.deferred_csrf",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the single-machine mode usable with a worker beside the server.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if not env.bool("DATABASE_JIT", default=False):
        # PostgreSQL's JIT compiles any query whose cost estimate passes jit_above_cost: at
        # 1,000,000 posts the board page's topic count spent 181 of its 272 ms compiling
        # (docs/benchmarks.md, issue 22). Short web queries never win it back.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()

# Keep AutoField globally: a BigAutoField default makes makemigrations write into machina's
# installed package. Our apps set default_auto_field in their AppConfig.
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

AUTH_USER_MODEL = "portal.User"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="kehuhui"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kehuhui",
        }
    }
# machina caches rendered attachments in its own alias.
CACHES["machina_attachments"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(VAR_DIR / "cache" / "machina_attachments"),
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Page cache for visitors (portal.pagecache) -------------------------------------------
# Whole public pages for readers without a session, kept in each worker's memory (at most
# PAGE_CACHE_MAX_PAGES) under a generation number in the default cache (shared by all workers
# only with REDIS_URL). Invalidated after every change a visitor can see; PAGE_CACHE_SECONDS
# bounds what nothing signals (an offer reaching its end date). See portal/pagecache/services.py.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_CACHE_MAX_PAGES = env.int("PAGE_CACHE_MAX_PAGES", default=500)
# How old a worker's copy of the generation may be: a change made through another worker (or a
# command) reaches this one's visitors within it. 0 reads the shared cache on every request.
PAGE_CACHE_CHECK_SECONDS = env.float("PAGE_CACHE_CHECK_SECONDS", default=1.0)
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kehuhui-pages",
    "TIMEOUT": PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_PAGES},
}
# --- Members' pages kept per reader kind (portal.pagecache.members) ----------------------
# The views below are rendered once per kind of reader (visitors with a session, members by
# their groups; staff, moderators and a page's own authors each alone) and kept in each worker's
# memory under the page cache's generation; what is each reader's own (header, links, the
# subscribe button, unread markers, CSRF tokens) is filled in per request. Their holes are filled
# late whether or not pages are kept, so MEMBER_PAGE_CACHE only switches the keeping.
MEMBER_PAGE_CACHE = env.bool("MEMBER_PAGE_CACHE", default=True)
MEMBER_PAGE_CACHE_SECONDS = env.int("MEMBER_PAGE_CACHE_SECONDS", default=120)
MEMBER_PAGE_CACHE_MAX_PAGES = env.int("MEMBER_PAGE_CACHE_MAX_PAGES", default=300)
MEMBER_PAGE_CACHE_VIEWS = frozenset({"forum_conversation:topic", "forum:forum"})
CACHES["member_pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kehuhui-member-pages",
    "TIMEOUT": MEMBER_PAGE_CACHE_SECONDS,
    "OPTIONS": {"MAX_ENTRIES": MEMBER_PAGE_CACHE_MAX_PAGES},
}
# Never cached: regular expressions matched at the start of the path. Anything personal or that
# writes belongs here (a visitor's request there is not cached even when it answers 200).
PAGE_CACHE_EXCLUDE = [
    "/accounts/",
    "/me/",
    "/members/",
    "/triage/",
    "/search/",
    "/cms/",
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/healthz",
    "/bench/",
    "/i18n/",
    "/_util/",
    "/static/",
    "/media/",
    # forum: reports, notifications, profiles, moderation, read marks, its search, attachments,
    # polls, and the write forms of topics and posts
    "/forum/club/",
    "/forum/member/",
    "/forum/moderation/",
    "/forum/tracking/",
    "/forum/search/",
    "/forum/attachment/",
    "/forum/poll/",
    r"/forum/forum/[^/]+/topic/(?:create/|[^/]+/(?:update/|post/|\d+/post/))",
]

# --- Background tasks ---------------------------------------------------------------------
TASKS_BACKEND = env("TASKS_BACKEND", default="immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASKS_BACKEND],
    }
}

# --- Cases -------------------------------------------------------------------------------
# The router assigns a case when its confidence reaches this; below it the case waits in triage.
CASE_ROUTING_CONFIDENCE_THRESHOLD = env.float("CASE_ROUTING_CONFIDENCE_THRESHOLD", default=0.6)
# The SLA tick warns a department this many hours before a case is due.
CASE_SLA_WARNING_HOURS = env.int("CASE_SLA_WARNING_HOURS", default=4)
# A case awaiting the member's confirmation this many days is resolved without it.
CASE_CONFIRM_DAYS = env.int("CASE_CONFIRM_DAYS", default=7)
# A member can reopen a resolved case this many days after its resolution.
CASE_REOPEN_DAYS = env.int("CASE_REOPEN_DAYS", default=14)
# The one-click rating link in the resolution mail works this many days (and once).
CASE_RATING_LINK_DAYS = env.int("CASE_RATING_LINK_DAYS", default=30)

# --- Mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every mail goes to the outbox (portal.messaging.mail) and a task delivers it through the
# backend EMAIL_URL chose, retrying after these delays (seconds) before marking it failed.
MAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "portal.messaging.mail.OutboxEmailBackend"
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="客户会 <noreply@kehuhui.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- SMS (portal.messaging.sms) ---------------------------------------------------------------
# console:// prints messages; a provider adapter is chosen by the URL's scheme.
SMS_URL = env("SMS_URL", default="console://")

# --- Campaigns (portal.campaigns; docs/campaigns.md) --------------------------------------------
# Sends per second per worker and channel (0: no limit), parallel send tasks per campaign, the
# SMS quiet hours (local time, deferred), the marketing cap per member (campaigns per N days),
# retry delays (seconds) and how long a dead worker's claim waits before it is sent by another.
CAMPAIGN_RATE_PER_SECOND = {
    "mail": env.float("CAMPAIGN_MAIL_RATE", default=200),
    "sms": env.float("CAMPAIGN_SMS_RATE", default=20),
    "site": 0,
}
CAMPAIGN_SEND_WORKERS = env.int("CAMPAIGN_SEND_WORKERS", default=2)
CAMPAIGN_TASK_SECONDS = 120
CAMPAIGN_SMS_QUIET_HOURS = (21, 8)
CAMPAIGN_FREQUENCY_CAP = env.int("CAMPAIGN_FREQUENCY_CAP", default=3)
CAMPAIGN_FREQUENCY_DAYS = 7
CAMPAIGN_RETRY_DELAYS = [60, 300, 1800, 7200]
CAMPAIGN_CLAIM_LEASE_SECONDS = 600

# --- Search -------------------------------------------------------------------------------
# Empty: the embedded database backend. Set to an Elasticsearch URL to use elasticsearch-dsl.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="kehuhui")

# --- Auth and accounts (django-allauth) ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, with each user's permissions kept between requests
    # (portal/auth_backends.py)
    "portal.auth_backends.KeptPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[客户会] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Failed logins per IP and per account, sign-ups per IP, resets per email: "count/period/key".
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env("RATE_LIMIT_SIGNUP", default="20/h/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "kehuhui_language"
# Ours first (they win), then machina's Chinese catalogue vendored as zh_Hans (see its header).
LOCALE_PATHS = [
    BASE_DIR / "locale",
    BASE_DIR / "locale_vendor" / "machina",
    BASE_DIR / "locale_vendor" / "allauth",
    BASE_DIR / "locale_vendor" / "wagtail",
]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [THEME_DIR / "static", MACHINA_MAIN_STATIC_DIR]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "客户会"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Members-only handbook chapters send visitors to the site's login, not Wagtail's own form.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

# --- django-machina -----------------------------------------------------------------------
MACHINA_FORUM_NAME = "客户会论坛"
MACHINA_BASE_TEMPLATE_NAME = "base.html"
# One name everywhere: posts and lists show the display name, as the header and triage do.
MACHINA_USER_DISPLAY_NAME_METHOD = "get_public_name"
MACHINA_MARKUP_LANGUAGE = ("forum.rendering.render_post", {})
MACHINA_MARKUP_WIDGET = "django.forms.Textarea"
# A reply's default subject: "回复：…" in Chinese, not machina's untranslated "Re:" (issue #14).
MACHINA_TOPIC_ANSWER_SUBJECT_PREFIX = gettext_lazy("Re:")
# Twenty posts a page of a topic (machina: 15), as on the club forums members know.
MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE = 20
# Visitors never post or vote; members get these unless an administrator says otherwise.
MACHINA_DEFAULT_AUTHENTICATED_USER_FORUM_PERMISSIONS = []
# Each user's board permissions are kept in the default cache between requests, replaced on
# every change of a grant or a group membership (forum/permissions.py). Off: machina computes
# them afresh on every request (to compare, e.g. bench/run.py --set FORUM_PERMISSION_CACHE=false).
FORUM_PERMISSION_CACHE = env.bool("FORUM_PERMISSION_CACHE", default=True)
# Authors' post counts beside a topic's posts, as each kind of reader may see them, kept in the
# default cache between requests and replaced on every post, topic or case change
# (forum/author_counts.py). Off: counted afresh on every request.
FORUM_AUTHOR_COUNTS_CACHE = env.bool("FORUM_AUTHOR_COUNTS_CACHE", default=True)
# The triage and department queues' rows kept rendered in the default cache, keyed by what each
# row shows and what the reader may see (forum/cases/queue_rows.py). Off: rendered every time.
FORUM_QUEUE_ROWS_CACHE = env.bool("FORUM_QUEUE_ROWS_CACHE", default=True)
# The queues' totals and the header's waiting cases kept under a version replaced by any case's
# change (forum/cases/counts.py). Off: counted every time.
FORUM_QUEUE_COUNTS_CACHE = env.bool("FORUM_QUEUE_COUNTS_CACHE", default=True)
# The personal center overview's member card and units kept rendered per member in the default
# cache, replaced on the member's own changes (portal/members/overview.py). Off: rendered afresh.
MEMBER_OVERVIEW_CACHE = env.bool("MEMBER_OVERVIEW_CACHE", default=True)
# The board pages' topic total per kind of reader (forum/boards/selectors.py) and their topic rows
# kept rendered, keyed by what each row shows (forum/boards/topic_rows.py). Off: counted and
# rendered on every request.
FORUM_BOARD_TOTALS_CACHE = env.bool("FORUM_BOARD_TOTALS_CACHE", default=True)
FORUM_TOPIC_ROWS_CACHE = env.bool("FORUM_TOPIC_ROWS_CACHE", default=True)
# What members' pages show that is each reader's own (unread notifications, followed topics,
# read marks' answers) kept per reader, replaced by their changes (forum/reader_state.py).
FORUM_READER_STATE_CACHE = env.bool("FORUM_READER_STATE_CACHE", default=True)
# Topic views counted in each worker's memory and written in one batch at most this often
# (forum/view_counts.py); 0 writes each view at once, as machina does.
FORUM_VIEW_COUNT_SECONDS = env.float("FORUM_VIEW_COUNT_SECONDS", default=10.0)
# machina's own search (haystack) is replaced by search/; haystack is imported by machina's
# URL module, so it needs a harmless connection even though it is never queried.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# Overridden machina apps keep machina's models unchanged, so they keep machina's migrations.
MIGRATION_MODULES = {
    label: f"machina.apps.{label}.migrations"
    for label in ("forum", "forum_conversation", "forum_member", "forum_tracking")
}
MIGRATION_MODULES["forum_attachments"] = (
    "machina.apps.forum_conversation.forum_attachments.migrations"
)
# Attachments are served by forum.machina_apps.forum_conversation.forum_attachments.views after
# the visibility check; set to an nginx internal location's prefix to let nginx send the bytes
# (X-Accel-Redirect, see docs/security.md).
FORUM_ATTACHMENT_ACCEL_REDIRECT = env("FORUM_ATTACHMENT_ACCEL_REDIRECT", default="")

SITE_ID = 1

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's preview views override this with SAMEORIGIN for their own iframe.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (portal.middleware.ContentSecurityPolicyMiddleware): our pages run
# script files from the site only; styles may be inline (machina's templates, the member card and
# the report charts set style attributes). The admins need inline script: see docs/security.md.
CSP_POLICY = env(
    "CSP_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
CSP_ADMIN_POLICY = env(
    "CSP_ADMIN_POLICY",
    default="default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'",
)
CSP_ADMIN_PREFIXES = ["/cms/", "/django-admin/"]
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Benchmarks (bench/) ------------------------------------------------------------------
# Off by default; bench/run.py switches them on for the server it starts on 127.0.0.1.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)
BENCH_QUERY_COUNT = env.bool("BENCH_QUERY_COUNT", default=False)
MIDDLEWARE.insert(0, "portal.bench.QueryCountMiddleware")  # MiddlewareNotUsed unless switched on

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Members (portal) ---------------------------------------------------------------------
# The join form's fields are added to allauth's sign-up form.
ACCOUNT_SIGNUP_FORM_CLASS = "portal.members.forms.JoinForm"
# Reward points expire this many months after they were earned, at the year-end carry-over.
POINTS_EXPIRY_MONTHS = env.int("POINTS_EXPIRY_MONTHS", default=24)
# A bulk grant of more reward points than this in total waits for a second person's approval.
POINTS_GRANT_APPROVAL_THRESHOLD = env.int("POINTS_GRANT_APPROVAL_THRESHOLD", default=5000)
# The privacy notice (/privacy/) members agree to at sign-up; raise it when the notice changes:
# each member's agreed version and time are kept on their profile.
PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", default="2026-12")

# --- Search ------------------------------------------------------------------------------
# The Elasticsearch analyzer for Chinese text: "cjk" ships with Elasticsearch; "smartcn" or
# "ik_max_word" need their plugins. Refresh after each write only where tests need it.
SEARCH_ES_ANALYZER = env("SEARCH_ES_ANALYZER", default="cjk")
SEARCH_ES_REFRESH = env.bool("SEARCH_ES_REFRESH", default=False)
# Database backend: a search ranks at most this many of the newest matches (README, Search).
SEARCH_CANDIDATES = env.int("SEARCH_CANDIDATES", default=500)
