from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "portal.members"
    # The label the models were created under: tables, migrations, content types, permissions
    # and AUTH_USER_MODEL ("portal.User") keep it, so existing databases need no change.
    label = "portal"
    verbose_name = _("Members")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal.members import receivers

        # The site's name and domain follow settings after every migrate (the sites framework
        # creates example.com only when no site exists).
        post_migrate.connect(receivers.site_sync, sender=self, dispatch_uid="portal_site_sync")
        from portal.members.events import points_event_register
        from portal.members.navigation import members_link_register

        members_link_register()

        points_event_register(
            code="profile_completed", label=_("Completed the member profile"), app=self.label
        )
        points_event_register(
            code="referral_purchase", label=_("Referred a friend who bought a home"), app=self.label
        )
