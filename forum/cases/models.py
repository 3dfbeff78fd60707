from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department that answers cases: design, engineering, property management, …"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    staff_group = models.OneToOneField(
        Group,
        verbose_name=_("staff group"),
        on_delete=models.PROTECT,
        related_name="department",
        help_text=_("Members of this group see and answer the department's cases."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """A complaint or suggestion (or any topic a moderator opens one on), to be answered."""

    topic = models.OneToOneField(
        "forum_conversation.Topic",
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="case",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return str(self.topic)
