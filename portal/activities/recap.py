"""活动回顾: a draft news article made from an activity and its experience summary."""

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from portal.activities.models import ActivityPage
from portal.activities.selectors import activity_stats
from portal.activities.services import SUMMARY_PERMISSION, ActivityError


def recap_news_draft(*, activity: ActivityPage, by):
    """A draft (never published here) event-recap article under the news index; the
    editor → approver workflow publishes it."""
    from django.core.exceptions import PermissionDenied
    from wagtail.rich_text import RichText

    from cms.models import NewsCategory, NewsIndexPage, NewsPage

    if not by.has_perm(SUMMARY_PERMISSION):
        raise PermissionDenied
    news_index = NewsIndexPage.objects.first()
    if news_index is None:
        raise ActivityError(_("There is no news section to write the recap in."))
    slug = f"recap-{activity.slug}-{activity.pk}"
    existing = NewsPage.objects.child_of(news_index).filter(slug=slug).first()
    if existing is not None:
        return existing
    stats = activity_stats(activity=activity)
    summary = getattr(activity, "experience_summary", None)
    paragraphs = [
        _("%(attended)s members took part in %(title)s at %(place)s.")
        % {"attended": stats["attended"], "title": activity.title, "place": activity.place}
    ]
    if stats["rating"]:
        paragraphs.append(_("They rated it %(rating).1f out of 5.") % {"rating": stats["rating"]})
    if summary is not None and summary.went_well:
        paragraphs.append(summary.went_well)
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    article = NewsPage(
        title=_("Recap: %(title)s") % {"title": activity.title},
        slug=slug,
        date=timezone.localdate(),
        category=NewsCategory.EVENTS,
        summary=activity.summary[:200],
        cover_image=activity.cover_image,
        body=[("paragraph", RichText(html))],
        live=False,
        owner=by,
    )
    news_index.add_child(instance=article)
    article.save_revision(user=by)
    return article
