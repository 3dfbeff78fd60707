import os
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from portal.activities.models import Signup
from tests.activities.conftest import make_activity
from tests.factories import UserFactory

RACERS = 30
PLACES = 10


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database; SQLite runs write transactions one at a time",
)
# serialized_rollback: the flush after a transactional test would drop the migrations' data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_members_race_for_ten_places(activity_index):
    """30 sign-up requests at the same instant: exactly 10 confirmed, 20 waiting, and the
    waiting list in the order the requests got through."""
    activity = make_activity(activity_index, slug="race", capacity=PLACES)
    racers = [UserFactory(username=f"racer{n}") for n in range(RACERS)]
    url = reverse("activity_signup", args=[activity.pk])
    barrier = threading.Barrier(RACERS)
    statuses = []

    def sign_up(member):
        try:
            client = Client()
            client.force_login(member)
            barrier.wait()
            statuses.append(client.post(url, {"companions": "0"}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(m,)) for m in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * RACERS
    signups = list(Signup.objects.filter(activity=activity).order_by("created_at", "pk"))
    assert len(signups) == RACERS
    assert [s.status for s in signups] == ["confirmed"] * PLACES + ["waiting"] * (RACERS - PLACES)
    assert len({s.member_id for s in signups}) == RACERS
