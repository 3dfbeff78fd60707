def test_home_page_is_the_themed_chinese_home(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert "欢迎来到客户会" in response.text
    for label in ("首页", "新闻", "会员手册", "商家优惠", "论坛", "搜索", "登录"):
        assert label in response.text
    assert "cdn" not in response.text.lower()


def test_unknown_page_gets_the_themed_404(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert "site-header" in response.text


def test_member_cannot_reach_the_cms(client, member):
    client.force_login(member)

    response = client.get("/cms/")

    assert response.status_code == 302
    assert "/cms/login/" in response.url


def test_admin_reaches_the_cms(client, staff_admin):
    client.force_login(staff_admin)

    assert client.get("/cms/").status_code == 200
