import io

from django.core.management import call_command

from search.documents import page_document
from tests.activities.conftest import make_activity


def test_activity_pages_are_the_activities_kind_on_the_search_page(client, activity_index, boards):
    activity = make_activity(activity_index, slug="bake", title="亲子烘焙课", summary="做饼干")
    draft = make_activity(activity_index, slug="draft", title="未发布的烘焙活动")
    draft.unpublish()

    call_command("search_reindex", stdout=io.StringIO(), stderr=io.StringIO())
    found = client.get("/search/", {"q": "烘焙", "type": "activities"}).content.decode()

    assert page_document(activity).kind == "activities"
    assert page_document(draft) is None
    assert 'href="/activities/bake/"' in found
    assert "/activities/draft/" not in found
