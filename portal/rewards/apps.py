from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    """The points plan (积分计划): plan lines and budgets, bulk grants, and the fulfilment of
    rewards (pick-up, delivery, electronic codes, 核销 by merchant and service-centre staff)."""

    name = "portal.rewards"
    label = "rewards"
    verbose_name = _("Points plan and rewards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.members.points import POINTS_BOOKKEEPERS
        from portal.rewards.plan import plan_entry_book

        if plan_entry_book not in POINTS_BOOKKEEPERS:
            POINTS_BOOKKEEPERS.append(plan_entry_book)
