"""Vendored catalogues correct the half-translated strings of allauth, machina and the CMS
workflow name that members and editors met (issue #14)."""

import re

from django.utils import translation
from django.utils.translation import gettext


def test_allauth_strings_say_邮箱_not_email():
    with translation.override("zh-hans"):
        assert gettext("Add Email") == "添加邮箱"
        assert gettext("Email Address") == "邮箱地址"
        # Placeholders stay as they were.
        assert gettext("You have confirmed %(email)s.") == "您已确认邮箱地址 %(email)s。"


def test_the_email_page_of_a_member_is_chinese(client, member):
    client.force_login(member)

    page = client.get("/accounts/email/").content.decode()

    assert "添加邮箱" in page
    main = page[page.index('id="main"') :]
    assert not re.search(r"(?<![A-Za-z@._-])E-?mail(?![A-Za-z])", re.sub(r"<[^>]+>", " ", main))


def test_the_new_topic_form_asks_for_a_title():
    with translation.override("zh-hans"):
        assert gettext("Enter your subject") == "输入标题"


def test_the_editorial_workflow_has_a_chinese_name(db):
    from wagtail.models import Workflow

    assert Workflow.objects.filter(name="审核人审批", active=True).exists()
    assert not Workflow.objects.filter(name="Approvers approval").exists()
