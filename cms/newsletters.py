"""The club's publications (季刊, monthly EDM): a newsletter page composed of picked news, offers
and activities and free blocks; published on the site as the magazine's archive and rendered as
a mail (HTML with inline styles, as mail programs ignore style sheets, plus a plain-text part).
The campaigns app sends it (``portal.campaigns``)."""

import datetime

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from cms.permissions import LeafAwarePermissionsMixin


class NewsletterBlock(blocks.StreamBlock):
    news = blocks.PageChooserBlock(page_type="cms.NewsPage", label=_("News article"))
    offer = blocks.PageChooserBlock(page_type="cms.OfferPage", label=_("Merchant offer"))
    activity = blocks.PageChooserBlock(page_type="activities.ActivityPage", label=_("Activity"))
    heading = blocks.CharBlock(label=_("Heading"), max_length=100)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])


class NewsletterIndexPage(Page):
    """The magazine's archive: every issue, newest first."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsletterPage"]

    class Meta:
        verbose_name = _("newsletter archive")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = (
            NewsletterPage.objects.child_of(self).live().order_by("-issue_date", "-pk")
        )
        return context


def _absolute(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


class NewsletterPage(LeafAwarePermissionsMixin, Page):
    """One issue: picked items and free blocks; ``mail_html``/``mail_text`` are the mail."""

    issue_date = models.DateField(_("issue date"), default=datetime.date.today)
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(NewsletterBlock(), verbose_name=_("content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("issue_date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsletterIndexPage"]
    subpage_types = []
    preview_modes = [("", _("On the site")), ("mail", _("As the mail"))]

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    def mail_items(self) -> list[dict]:
        """The issue's blocks as plain dicts (title, text, link) for both mail parts."""
        items = []
        for block in self.body:
            value = block.value
            if block.block_type in ("news", "offer", "activity"):
                page = value.specific if value else None
                if page is None or not page.live:
                    continue
                text = (
                    getattr(page, "summary", "")
                    or getattr(page, "discount", "")
                    or getattr(page, "search_description", "")
                )
                if block.block_type == "activity":
                    when = page.starts_at.astimezone().strftime("%Y-%m-%d %H:%M")
                    text = f"{when} {page.place} · {text}".strip(" ·")
                items.append({"kind": block.block_type, "title": page.title, "text": text,
                              "url": _absolute(page.url or "")})  # fmt: skip
            elif block.block_type == "heading":
                items.append({"kind": "heading", "title": value, "text": "", "url": ""})
            else:
                # Rendered (internal links expanded), made absolute for mail programs.
                html = str(value).replace('href="/', f'href="{_absolute("/")}')
                items.append({"kind": "text", "title": "", "html": html,
                              "text": strip_tags(html), "url": ""})  # fmt: skip
        return items

    def _mail_context(self, unsubscribe_url: str) -> dict:
        return {
            "page": self,
            "items": self.mail_items(),
            "site_url": settings.SITE_URL.rstrip("/"),
            "archive_url": _absolute(self.url or "/"),
            "unsubscribe_url": unsubscribe_url,
        }

    def mail_html(self, *, unsubscribe_url: str) -> str:
        return render_to_string("cms/newsletter_mail.html", self._mail_context(unsubscribe_url))

    def mail_text(self, *, unsubscribe_url: str) -> str:
        return render_to_string("cms/newsletter_mail.txt", self._mail_context(unsubscribe_url))

    def serve_preview(self, request, mode_name):
        if mode_name == "mail":
            from django.http import HttpResponse

            return HttpResponse(self.mail_html(unsubscribe_url="#"))
        return super().serve_preview(request, mode_name)
