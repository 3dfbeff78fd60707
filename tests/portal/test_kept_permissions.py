"""Django's model permissions kept per user between requests (portal/auth_backends.py).

A member's page reads them once; after that they come with the reader's other facts from the
cache. Any change to what they are computed from — a group's permissions, the user's own, who is
in a group, the superuser and active flags — holds on the very next request.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.auth_backends import KeptPermissionsBackend
from portal.members.models import MemberProfile, User
from portal.members.selectors import member_profile_for
from tests.factories import UserFactory
from tests.test_staff_nav import header_links


def _permission_queries(ctx) -> int:
    return sum('"auth_permission"' in q["sql"] for q in ctx.captured_queries)


def _fresh(user) -> User:
    """The user as the next request loads it (nothing remembered on the object)."""
    return User.objects.get(pk=user.pk)


def _perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def clerk(db):
    """A member-service clerk: in a group that may verify unit claims."""
    group = Group.objects.create(name="会员服务")
    group.permissions.add(_perm("portal.verify_unitownership"))
    user = UserFactory(username="clerk")
    user.groups.add(group)
    return user


def test_a_members_permissions_are_read_once_then_kept(client, member):
    client.force_login(member)
    client.get("/me/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/me/")

    assert response.status_code == 200
    assert _permission_queries(ctx) == 0
    assert header_links(client, member) == {}


def test_switched_off_they_are_read_on_every_request(client, member, settings):
    settings.FORUM_PERMISSION_CACHE = False
    client.force_login(member)
    client.get("/me/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/me/")

    assert _permission_queries(ctx) == 2  # the user's own, then their groups'


def test_the_kept_set_is_the_same_as_djangos(clerk):
    client_user = _fresh(clerk)
    KeptPermissionsBackend().get_all_permissions(client_user)  # computed and kept
    kept = KeptPermissionsBackend().get_all_permissions(_fresh(clerk))

    assert kept == {"portal.verify_unitownership"}
    assert _fresh(clerk).has_perm("portal.verify_unitownership")
    assert not _fresh(clerk).has_perm("portal.view_memberprofile")


def test_a_permission_given_to_a_group_holds_on_the_next_request(client, clerk):
    assert header_links(client, clerk) == {"members": 0}
    assert "/members/claims/" in client.get("/me/").content.decode()

    Group.objects.get(name="会员服务").permissions.add(_perm("portal.view_memberprofile"))

    # The link now leads to the member list, which the new permission opens.
    assert 'href="/members/" data-testid="nav-members"' in client.get("/me/").content.decode()
    assert client.get("/members/").status_code == 200


def test_a_permission_taken_from_a_group_is_gone_on_the_next_request(client, clerk):
    assert header_links(client, clerk) == {"members": 0}

    Group.objects.get(name="会员服务").permissions.remove(_perm("portal.verify_unitownership"))

    assert header_links(client, clerk) == {}
    assert client.get("/members/claims/").status_code == 403


def test_leaving_the_group_takes_its_permissions_at_once(client, clerk):
    assert header_links(client, clerk) == {"members": 0}

    clerk.groups.clear()

    assert header_links(client, clerk) == {}


def test_a_users_own_permission_holds_on_the_next_request(client, member):
    assert header_links(client, member) == {}

    member.user_permissions.add(_perm("portal.verify_unitownership"))
    assert header_links(client, member) == {"members": 0}

    member.user_permissions.remove(_perm("portal.verify_unitownership"))
    assert header_links(client, member) == {}


def test_a_deleted_permission_row_is_no_longer_held(clerk):
    KeptPermissionsBackend().get_all_permissions(_fresh(clerk))

    _perm("portal.verify_unitownership").delete()

    assert KeptPermissionsBackend().get_all_permissions(_fresh(clerk)) == set()


def test_a_superuser_who_loses_the_flag_keeps_only_their_groups_permissions(clerk):
    clerk.is_superuser = True
    clerk.save()
    everything = KeptPermissionsBackend().get_all_permissions(_fresh(clerk))
    assert "portal.view_memberprofile" in everything
    assert len(everything) == Permission.objects.count()

    # A user's own fields do not replace the permissions version: the flag is read from the
    # user row of the request.
    clerk.is_superuser = False
    clerk.save()

    assert KeptPermissionsBackend().get_all_permissions(_fresh(clerk)) == {
        "portal.verify_unitownership"
    }


def test_an_inactive_user_has_no_permissions_though_some_were_kept(clerk):
    KeptPermissionsBackend().get_all_permissions(_fresh(clerk))
    clerk.is_active = False
    clerk.save()

    assert KeptPermissionsBackend().get_all_permissions(_fresh(clerk)) == set()
    assert not _fresh(clerk).has_perm("portal.verify_unitownership")


def test_object_permissions_are_not_answered_from_the_model_set(clerk):
    assert KeptPermissionsBackend().get_all_permissions(_fresh(clerk), obj=clerk) == set()
    assert KeptPermissionsBackend().get_all_permissions(_fresh(clerk)) == {
        "portal.verify_unitownership"
    }


def test_the_profile_is_read_in_one_query(member):
    member_profile_for(user=_fresh(member))  # made on first use
    user = _fresh(member)
    with CaptureQueriesContext(connection) as ctx:
        profile = member_profile_for(user=user)

    assert len(ctx.captured_queries) == 1
    assert profile.user_id == member.pk and profile.level is not None


def test_an_account_without_a_profile_gets_one(member):
    MemberProfile.objects.filter(user=member).delete()

    profile = member_profile_for(user=_fresh(member))

    assert profile.pk and profile.member_number
    assert MemberProfile.objects.filter(user=member).count() == 1
