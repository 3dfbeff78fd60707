"""Issue 13, finding 6: sign-up and profile are one transaction; a duplicate mobile found only
when saving is a form error, never a 500 or an account without its profile."""

import os
import threading

import pytest
from django.db import connections
from django.test import Client

from portal.members.forms import JoinForm
from portal.members.models import MemberProfile, User
from tests.factories import UserFactory
from tests.portal.test_join import SIGNUP


def test_mobile_taken_between_the_check_and_the_save_is_a_form_error(client, db, monkeypatch):
    original = JoinForm.clean_mobile
    calls = []

    def clean_mobile_then_someone_else_joins(form):
        mobile = original(form)
        if not calls:
            # The other sign-up commits right after this one's check.
            other = UserFactory(username="quicker")
            MemberProfile.objects.filter(user=other).update(mobile=mobile)
        calls.append(mobile)
        return mobile

    monkeypatch.setattr(JoinForm, "clean_mobile", clean_mobile_then_someone_else_joins)

    response = client.post("/accounts/signup/", SIGNUP)

    assert response.status_code == 200
    assert "该手机号已注册" in response.text
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads need a server database",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_sign_ups_with_one_mobile_make_one_member():
    barrier = threading.Barrier(2)
    outcomes = {}

    def sign_up(n):
        try:
            data = SIGNUP | {"username": f"twin{n}", "email": f"twin{n}@example.com"}
            barrier.wait()
            response = Client().post("/accounts/signup/", data)
            outcomes[n] = (response.status_code, response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    codes = sorted(code for code, _body in outcomes.values())
    assert codes == [200, 302]
    (refused,) = [body for code, body in outcomes.values() if code == 200]
    assert "该手机号已注册" in refused
    (joined,) = User.objects.filter(username__startswith="twin")
    assert joined.member_profile.mobile == SIGNUP["mobile"]
