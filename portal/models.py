from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The club's account. Membership details live beside it (members issue)."""

    display_name = models.CharField(
        _("display name"),
        max_length=40,
        blank=True,
        help_text=_("Shown beside your posts instead of your username."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


class MemberLevel(models.Model):
    """A membership level (普卡, 银卡, 金卡, 白金卡), reached by upgrade points."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True, help_text=_("1 is the lowest."))
    upgrade_points_threshold = models.PositiveIntegerField(
        _("upgrade points threshold"),
        default=0,
        help_text=_("Upgrade points needed to reach this level."),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("member level")
        verbose_name_plural = _("member levels")

    def __str__(self) -> str:
        return self.name


class HousingProject(models.Model):
    """A development (楼盘) whose verified owners share an owners' board."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    city = models.CharField(_("city"), max_length=40)
    phases = models.PositiveSmallIntegerField(_("phases"), default=1)
    owners_group = models.OneToOneField(
        Group,
        verbose_name=_("owners' group"),
        on_delete=models.PROTECT,
        related_name="housing_project",
        help_text=_("Verified owners of this project; it grants access to the owners' board."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("housing project")
        verbose_name_plural = _("housing projects")

    def __str__(self) -> str:
        return self.name


class UnitOwnership(models.Model):
    """A member's claim to own a unit in a housing project, and its verification."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="unit_ownerships",
    )
    project = models.ForeignKey(
        HousingProject,
        verbose_name=_("housing project"),
        on_delete=models.PROTECT,
        related_name="unit_ownerships",
    )
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("unit ownership")
        verbose_name_plural = _("unit ownerships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "project", "building", "unit"], name="unique_unit_claim"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.building}-{self.unit}"
