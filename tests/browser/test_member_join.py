import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from tests.browser.conftest import log_in
from tests.conftest import make_topic
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_newcomer_joins_claims_a_unit_and_after_verification_reads_the_owners_board(
    page, chromium, live_server, project_a, owner_a, staff_admin
):
    board = project_a.owners_board.forum
    make_topic(forum=board, poster=owner_a, subject="一期电梯维保进度")
    board_url = reverse("forum:forum", kwargs={"slug": board.slug, "pk": board.pk})

    # A newcomer signs up with the join form.
    page.goto("/accounts/signup/")
    page.fill("input[name=username]", "newcomer")
    page.fill("input[name=email]", "newcomer@example.com")
    page.fill("input[name=password1]", "a-long-pass-phrase")
    page.fill("input[name=password2]", "a-long-pass-phrase")
    page.fill("input[name=real_name]", "周新")
    page.fill("input[name=mobile]", "13700001234")
    page.fill("input[name=city]", "上海")
    page.check("input[name=interests][value=family]")
    page.check("input[name=privacy_consent]")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    # The verification mail goes to the locmem outbox; confirming it is allauth's own tested path.
    EmailAddress.objects.filter(email="newcomer@example.com").update(verified=True)
    log_in(page, username="newcomer", password="a-long-pass-phrase")

    # ... claims a unit, which waits for verification.
    page.goto("/me/units/")
    page.select_option("select[name=project]", label=project_a.name)
    page.fill("input[name=building]", "5栋")
    page.fill("input[name=unit]", "1201")
    page.click("form.claim-form button[type=submit]")
    page.wait_for_load_state()
    assert "待认证" in page.locator("[data-testid=ownerships]").inner_text()
    page.goto(board_url)
    assert "一期电梯维保进度" not in page.content()

    # admin verifies it on the staff page.
    admin_context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    admin_page = admin_context.new_page()
    log_in(admin_page, username=staff_admin.username, password=TEST_PASSWORD)
    admin_page.goto("/members/claims/")
    row = admin_page.locator("tr", has_text="5栋-1201")
    row.locator("button[value=verify]").click()
    admin_page.wait_for_load_state()
    assert "已认证房产" in admin_page.content()
    admin_context.close()

    # The newcomer now reads the owners' board and holds a silver card.
    page.goto(board_url)
    assert "一期电梯维保进度" in page.content()
    page.goto("/me/card/")
    assert page.locator("[data-testid=card-level]").inner_text() == "银卡"
    assert page.locator(".member-card__qr svg").count() == 1
