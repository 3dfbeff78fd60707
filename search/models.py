from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    POST = "post", _("Forum posts")
    NEWS = "news", _("News")
    HANDBOOK = "handbook", _("Member handbook")
    OFFERS = "offers", _("Offers")
    PAGE = "page", _("Pages")
    MERCHANT = "merchant", _("Merchants")
    ACTIVITIES = "activities", _("Activities")


class SearchDocument(models.Model):
    """One searchable document of the database backend: a post, a page or a merchant, with what the
    permission filter and the facets need, so both happen inside the query."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    object_id = models.PositiveIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    # title and body cut into words, space separated: what the full-text index reads
    terms = models.TextField(_("words"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    # posts
    forum_id = models.IntegerField(_("board"), null=True, blank=True)
    topic_id = models.IntegerField(_("topic"), null=True, blank=True)
    project_id = models.IntegerField(_("housing project"), null=True, blank=True)
    department_id = models.IntegerField(_("department"), null=True, blank=True)
    status = models.CharField(_("case status"), max_length=30, blank=True)
    author_id = models.IntegerField(_("author"), null=True, blank=True)
    topic_author_id = models.IntegerField(_("topic author"), null=True, blank=True)
    approved = models.BooleanField(_("approved"), default=True)
    topic_approved = models.BooleanField(_("topic approved"), default=True)
    staff_only = models.BooleanField(_("staff only"), default=False)
    # pages
    members_only = models.BooleanField(_("members only"), default=False)
    indexed_at = models.DateTimeField(_("indexed at"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")
        ]
        # The date index (created, id) exists on PostgreSQL only (migration 0004): the backend
        # asks for the newest matches with a LIMIT, and guards against the planner walking it
        # for a word that is rare in recent posts (search/backends/database.py). No index on
        # forum_id: the planner OR-ed it (700k rows at 1M posts) into rare-word plans.
        indexes = [
            models.Index(fields=["indexed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class IndexQueue(models.Model):
    """A change waiting to reach the search engine: durable, so a down engine loses nothing."""

    class Action(models.TextChoices):
        INDEX = "index", _("index")
        DELETE = "delete", _("delete")

    object_kind = models.CharField(_("object kind"), max_length=20)  # post, topic, page, merchant
    object_id = models.PositiveIntegerField(_("object id"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)

    class Meta:
        verbose_name = _("index queue entry")
        verbose_name_plural = _("index queue entries")
        indexes = [models.Index(fields=["next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_kind}:{self.object_id}"


class ReindexCheckpoint(models.Model):
    """Where an interrupted `search_reindex` resumes: per backend, the source and last id done."""

    backend = models.CharField(_("backend"), max_length=50, unique=True)
    target = models.CharField(_("target"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20)
    last_id = models.PositiveIntegerField(_("last id"), default=0)
    done = models.PositiveIntegerField(_("documents done"), default=0)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)

    class Meta:
        verbose_name = _("reindex checkpoint")
        verbose_name_plural = _("reindex checkpoints")

    def __str__(self) -> str:
        return f"{self.backend}: {self.source} after {self.last_id}"
