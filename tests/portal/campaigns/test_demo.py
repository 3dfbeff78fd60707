import io

from django.core.management import call_command

from portal.campaigns import demo
from portal.campaigns.models import Segment
from portal.campaigns.selectors import segment_members


def test_seed_demo_lets_the_editor_compose_and_the_approver_approve(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    demo.seed(io.StringIO())  # idempotent

    segment = Segment.objects.get(name=demo.DEMO_SEGMENT)
    assert "owner1" in segment_members(filters=segment.filters).values_list("username", flat=True)
    assert "owner2" not in segment_members(filters=segment.filters).values_list(
        "username", flat=True
    )
    client.login(username="editor", password="demo12345")
    assert client.get("/campaigns/new/").status_code == 200
    client.login(username="approver", password="demo12345")
    assert client.get("/campaigns/").status_code == 200
    assert client.get("/campaigns/new/").status_code == 403
    client.login(username="member1", password="demo12345")
    assert client.get("/campaigns/").status_code == 403
