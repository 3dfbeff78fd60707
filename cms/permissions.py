"""Page permissions without a query per row of the page explorer.

For an editor (who may change pages but not publish them) Wagtail's ``can_delete`` asks the
database whether any page at or under the page is live, and the explorer asks it twice per row
(the Move and the Delete menu items) — two queries for each listed article, offer or chapter.
For a page without children that question is the page's own ``live`` flag, already loaded with
the row. Pages of ours return this tester through ``permissions_for_user``, the extension point
Wagtail provides for it; every other case is Wagtail's own answer.
"""

from wagtail.models import PagePermissionTester


class LeafAwarePagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        if (
            self.page.numchild == 0
            and not self.page_is_root
            and self.user.is_active
            and not self.user.is_superuser
            and "change" in self.permissions
            and "publish" not in self.permissions
        ):
            # Wagtail: without publish permission, no live page may be among those deleted;
            # a page without children deletes only itself.
            return not self.page.live
        return super().can_delete(ignore_bulk=ignore_bulk)


class LeafAwarePermissionsMixin:
    """For page types listed in the explorer by the dozen (articles, offers, chapters…)."""

    def permissions_for_user(self, user):
        return LeafAwarePagePermissionTester(user, self)
