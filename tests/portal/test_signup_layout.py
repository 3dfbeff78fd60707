"""The sign-up page separates required from optional fields (issue #14)."""

import re

from bs4 import BeautifulSoup

from portal.members.models import User
from tests.portal.test_join import SIGNUP

REQUIRED = ["username", "email", "password1", "password2", "real_name", "mobile", "city"]
OPTIONAL = [
    "gender",
    "birth_year",
    "family",
    "how_heard",
    "interests",
    "purchase_area",
    "purchase_budget",
    "purchase_type",
]


def signup_form(html: str):
    return BeautifulSoup(html, "html.parser").select_one("form[data-testid=signup-form]")


def field_names(container) -> list[str]:
    names = []
    for element in container.select("input[name], select[name], textarea[name]"):
        name = element["name"]
        if element.get("type") != "hidden" and name not in names:
            names.append(name)
    return names


def label_text(form, name: str) -> str:
    block = form.select_one(f".signup-field[data-field={name}]")
    label = block.select_one("legend") or block.select_one("label")
    return label.get_text(" ", strip=True)


def test_required_fields_come_first_marked_in_words_and_attributes(client, db):
    form = signup_form(client.get("/accounts/signup/").text)

    required_group = form.select_one("fieldset[data-testid=signup-required]")
    assert field_names(required_group) == REQUIRED
    assert required_group.legend.get_text(strip=True) == "必填信息"
    for name in REQUIRED:
        element = required_group.select_one(f"[name={name}]")
        assert element.has_attr("required"), name
        assert element["aria-required"] == "true", name
        assert label_text(form, name).endswith("必填"), name


def test_optional_fields_are_grouped_after_the_required_ones_and_not_marked(client, db):
    form = signup_form(client.get("/accounts/signup/").text)

    groups = form.select("fieldset.signup-group")
    assert [group["data-testid"] for group in groups] == ["signup-required", "signup-optional"]
    optional_group = groups[1]
    assert optional_group.legend.get_text(strip=True) == "选填信息"
    assert field_names(optional_group) == OPTIONAL
    for element in optional_group.select("input[name], select[name]"):
        assert not element.has_attr("required"), element["name"]
        assert not element.has_attr("aria-required"), element["name"]
    assert "必填" not in optional_group.get_text()
    # A group of checkboxes is a fieldset named by its legend.
    interests = optional_group.select_one(".signup-field[data-field=interests] fieldset")
    assert interests.legend.get_text(strip=True) == "兴趣爱好"


def test_privacy_consent_is_last_before_the_submit_button(client, db):
    form = signup_form(client.get("/accounts/signup/").text)

    assert field_names(form)[-1] == "privacy_consent"
    consent = form.select_one("[data-testid=signup-consent]")
    checkbox = consent.select_one("input[name=privacy_consent]")
    assert checkbox.has_attr("required") and checkbox["aria-required"] == "true"
    assert "隐私声明" in consent.get_text() and "必填" in consent.get_text()
    after = consent.find_next_sibling()
    assert after.name == "button" and after["type"] == "submit"
    assert not consent.find_parent("fieldset")


def test_errors_show_beside_their_field_and_nothing_typed_is_lost(client, db):
    response = client.post(
        "/accounts/signup/",
        SIGNUP
        | {
            "mobile": "12345",
            "privacy_consent": "",
            "birth_year": "1985",
            "family": "couple",
            "interests": ["sports", "culture"],
            "purchase_area": "浦东",
        },
    )

    assert response.status_code == 200
    assert not User.objects.filter(username="newcomer").exists()
    form = signup_form(response.text)
    mobile = form.select_one(".signup-field[data-field=mobile]")
    assert "手机号" in mobile.select_one(".errorlist").get_text()
    mobile_input = mobile.select_one("input[name=mobile]")
    assert mobile_input["aria-invalid"] == "true"
    assert "id_mobile_error" in mobile_input["aria-describedby"]
    assert mobile_input["value"] == "12345"
    consent = form.select_one(".signup-field[data-field=privacy_consent]")
    assert "同意" in consent.select_one(".errorlist").get_text()
    # Every other field's error list is empty: the errors are beside the fields they are about.
    assert len(form.select(".errorlist")) == 2
    assert form.select_one("input[name=real_name]")["value"] == "王小明"
    assert form.select_one("input[name=city]")["value"] == "上海"
    assert form.select_one("input[name=username]")["value"] == "newcomer"
    assert form.select_one("input[name=email]")["value"] == "newcomer@example.com"
    assert form.select_one("input[name=birth_year]")["value"] == "1985"
    assert form.select_one("input[name=purchase_area]")["value"] == "浦东"
    assert form.select_one("select[name=family] option[selected]")["value"] == "couple"
    checked = [box["value"] for box in form.select("input[name=interests][checked]")]
    assert checked == ["sports", "culture"]


def test_the_sign_up_page_has_no_template_comment_or_english_labels(client, db):
    html = client.get("/accounts/signup/").text

    assert "{#" not in html and "{% comment" not in html
    form = signup_form(html)
    assert not re.search(r"\b(Required|Optional|Fields marked)\b", form.get_text())
