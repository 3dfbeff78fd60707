from django.conf import settings
from django.utils import translation

from forum.permissions import ClubPermissionHandler as PermissionHandler

ANONYMOUS_FORUM_KEY = "_anonymous_forum_key"
SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


class ChosenLanguageMiddleware:
    """Simplified Chinese unless the reader chose another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the club
    speaks Chinese first, and English is a choice the reader makes (stored in a cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ForumPermissionMiddleware:
    """machina's permission handler on every request, without a session for every visitor.

    machina's own middleware stores a random key in the session of each anonymous request (for
    anonymous posting and poll votes), which writes a session row and sets a cookie on every
    public page. Visitors here never post or vote, so the key is read when one exists and never
    created. What the handler learnt about the reader's board permissions is stored for their
    next requests once the response is ready (forum.permissions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            request.user.forum_key = request.session.get(ANONYMOUS_FORUM_KEY)
        handler = request.forum_permission_handler = PermissionHandler()
        response = self.get_response(request)
        handler.permissions_save()
        return response


class ContentSecurityPolicyMiddleware:
    """The ``Content-Security-Policy`` header on every response (settings ``CSP_POLICY``).

    The site's own pages run only script files from the site (``script-src 'self'``, no inline
    script: the forum starts machina's scripts from a static file). Wagtail's and Django's admins
    (``CSP_ADMIN_PREFIXES``) get ``CSP_ADMIN_POLICY``, which allows inline script: Wagtail's
    admin writes inline scripts and handlers in its own templates, which we do not change.
    ``CSP_REPORT_ONLY`` sends the header as ``…-Report-Only`` (to try a stricter policy).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CSP_POLICY
        self.admin_policy = settings.CSP_ADMIN_POLICY
        self.admin_prefixes = tuple(settings.CSP_ADMIN_PREFIXES)
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header not in response.headers:
            admin = request.path_info.startswith(self.admin_prefixes)
            response.headers[self.header] = self.admin_policy if admin else self.policy
        return response
