"""Nobody finds what they may not read, on every backend: hits, totals and facet counts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forum.cases.models import Department
from search.backends import get_backend
from search.backends.base import Audience, IndexDocument, SearchQuery
from tests.conftest import staff_of
from tests.search.conftest import search_as

PUBLIC = "车库漏水怎么办"
OWNERS_A = "翠湖一期漏水汇总"
OWNERS_B = "滨江漏水维修"
PRIVATE = "我家卫生间漏水私密投诉"
UNAPPROVED = "待审核的漏水帖子"

# role → what that role finds when it searches for 漏水
EXPECTED = {
    "visitor": {PUBLIC},
    "member": {PUBLIC, PRIVATE},  # member1 wrote the private complaint
    "owner_a": {PUBLIC, OWNERS_A},
    "owner_b": {PUBLIC, OWNERS_B, UNAPPROVED},  # owner_b wrote the unapproved post
    "moderator": {PUBLIC, OWNERS_A, OWNERS_B, PRIVATE, UNAPPROVED},  # global grants
    "property_staff": {PUBLIC, PRIVATE},  # the complaint is routed to property
    "engineering_staff": {PUBLIC},
}


def role_user(request, role):
    if role == "visitor":
        return AnonymousUser()
    if role.endswith("_staff"):
        return staff_of(role.removesuffix("_staff"))
    return request.getfixturevalue(role)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_finds_only_what_it_may_read(request, corpus, index_now, role):
    index_now()
    user = role_user(request, role)

    results = search_as(user, "漏水")
    browsing = search_as(user, "")

    assert titles_of(results) == EXPECTED[role]
    assert results.total == len(EXPECTED[role])
    assert sum(results.facets["kind"].values()) == len(EXPECTED[role])
    assert sum(results.facets["forum_id"].values()) == len(EXPECTED[role])
    assert browsing.total == len(EXPECTED[role])


def titles_of(results):
    return {hit.title for hit in results.hits}


@pytest.mark.parametrize("role", ["visitor", "owner_a", "owner_b", "engineering_staff"])
def test_filters_cannot_reveal_hidden_posts(request, corpus, index_now, project_b, role):
    """Nor does narrowing by a project, a department or an exact phrase of a hidden post."""
    index_now()
    user = role_user(request, role)
    property_department = Department.objects.get(code="property")

    by_project = search_as(user, "漏水", project_ids=(project_b.pk,))
    by_department = search_as(user, "漏水", department_ids=(property_department.pk,))
    phrase = search_as(user, '"私密投诉"')

    assert OWNERS_B not in titles_of(by_project) or role == "owner_b"
    assert PRIVATE not in titles_of(by_department)
    assert phrase.total == 0


def test_department_and_status_facets_only_for_staff(request, corpus, index_now):
    index_now()
    staff = staff_of("property")
    department = Department.objects.get(code="property")

    assert search_as(staff, "漏水").facets["department_id"] == {department.pk: 1}
    assert "department_id" not in search_as(request.getfixturevalue("member"), "漏水").facets


def test_members_only_and_unlisted_pages_never_reach_visitors(backend_name, db):
    backend = get_backend()
    backend.index(
        [
            IndexDocument(kind="news", object_id=1, title="公开物业新闻", body="", url="/a/"),
            IndexDocument(
                kind="handbook", object_id=2, title="会员物业手册", body="", members_only=True
            ),
        ]
    )

    visitor = backend.search(SearchQuery(text="物业"), audience=Audience())
    member = backend.search(SearchQuery(text="物业"), audience=Audience(user_id=1))

    assert [h.title for h in visitor.hits] == ["公开物业新闻"]
    assert visitor.facets["kind"] == {"news": 1}
    assert member.total == 2
