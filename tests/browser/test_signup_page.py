"""The sign-up page in the browser (issue #14): required fields first and marked, optional ones
grouped, consent last; accessible (axe-core) and no wider than a phone; an error keeps what was
typed and shows beside its field. The role walk (test_roles.py) visits it too, on the demo data;
this test needs no demo world."""

import pytest

from tests.browser.axe import axe_source, axe_violations, blocking, describe
from tests.english import english_words

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    "viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}]
)
def test_sign_up_page_groups_marks_and_passes_axe(chromium, live_server, viewport):
    axe_source()
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", viewport=viewport, bypass_csp=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto("/accounts/signup/")

        required = page.locator("[data-testid=signup-required]")
        optional = page.locator("[data-testid=signup-optional]")
        assert required.locator("legend").first.inner_text() == "必填信息"
        assert optional.locator("legend").first.inner_text() == "选填信息"
        assert required.locator(".required-mark").count() == 7
        assert required.get_by_label("手机号").get_attribute("aria-required") == "true"
        assert optional.locator(".required-mark").count() == 0
        assert page.locator("[data-testid=signup-consent] .required-mark").is_visible()
        assert english_words(page.content()) == set()
        overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px wider than the screen"
        found = blocking(axe_violations(page))
        assert not found, describe(found)

        # A wrong mobile number: the error shows beside it, the rest stays as typed.
        page.fill("input[name=username]", "newcomer")
        page.fill("input[name=email]", "newcomer@example.com")
        page.fill("input[name=password1]", "a-long-pass-phrase")
        page.fill("input[name=password2]", "a-long-pass-phrase")
        page.fill("input[name=real_name]", "周新")
        page.fill("input[name=mobile]", "12345678901")
        page.fill("input[name=city]", "上海")
        page.fill("input[name=purchase_area]", "浦东")
        page.check("input[name=interests][value=family]")
        page.check("input[name=privacy_consent]")
        page.click("form[data-testid=signup-form] button[type=submit]")
        page.wait_for_load_state()

        mobile = page.locator(".signup-field[data-field=mobile]")
        assert "手机号" in mobile.locator(".errorlist").inner_text()
        assert page.input_value("input[name=real_name]") == "周新"
        assert page.input_value("input[name=purchase_area]") == "浦东"
        assert page.is_checked("input[name=interests][value=family]")
        assert page.is_checked("input[name=privacy_consent]")
        found = blocking(axe_violations(page))
        assert not found, describe(found)
    finally:
        context.close()
