from django.db import models
from django.utils.translation import gettext_lazy as _


class Board(models.Model):
    """What a machina forum is for in the club: its kind and, for owners' boards, its project."""

    class Kind(models.TextChoices):
        OWNERS = "owners", _("Owners' board")
        MUTUAL_HELP = "mutual_help", _("Mutual help")
        COMPLAINTS = "complaints", _("Complaints")
        SUGGESTIONS = "suggestions", _("Suggestions")
        OFFERS = "offers", _("Offers and activities")
        COMMUNITY = "community", _("Community")

    TRIAGE_KINDS = frozenset({Kind.COMPLAINTS, Kind.SUGGESTIONS})

    forum = models.OneToOneField(
        "forum.Forum", verbose_name=_("forum"), on_delete=models.CASCADE, related_name="board"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    project = models.OneToOneField(
        "portal.HousingProject",
        verbose_name=_("housing project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="owners_board",
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~models.Q(kind="owners"),
                name="one_board_per_public_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="owners", project__isnull=False)
                | (~models.Q(kind="owners") & models.Q(project__isnull=True)),
                name="owners_board_has_project",
            ),
        ]

    def __str__(self) -> str:
        return str(self.forum)

    @property
    def is_triage(self) -> bool:
        return self.kind in self.TRIAGE_KINDS


class TopicVisibility(models.Model):
    """Who may see a topic beyond its board's permissions.

    A staff-only topic (a private complaint, 仅工作人员可见) is visible only to its author,
    moderators and the staff of the department its case is routed to. Topics without a row are
    visible to whoever may read their board.
    """

    topic = models.OneToOneField(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="visibility",
    )
    staff_only = models.BooleanField(_("visible to staff only"), default=False, db_index=True)

    class Meta:
        verbose_name = _("topic visibility")
        verbose_name_plural = _("topic visibilities")

    def __str__(self) -> str:
        return f"{self.topic_id}: {'staff only' if self.staff_only else 'board'}"
