from search.services import queue_process


def test_handbook_index_shows_the_table_of_contents_for_visitors(client, chapters):
    response = client.get("/handbook/")

    text = response.text
    assert response.status_code == 200
    for title in ("会员章程", "会员等级与权益", "各等级权益一览", "隐私政策"):
        assert title in text
    # The members-only chapter is listed, locked, so visitors know what joining opens;
    # what lies under it is not.
    assert "积分规则" in text and 'data-testid="toc-lock"' in text
    assert text.count('data-testid="toc-lock"') == 1
    assert "积分有效期" not in text and "推荐入会得500积分" not in text


def test_members_see_members_only_chapters_in_the_table_of_contents(client, chapters, member):
    client.force_login(member)

    text = client.get("/handbook/").text

    assert "积分规则" in text and "积分有效期" in text
    assert "会员专享" in text


def test_chapter_has_previous_and_next_in_reading_order(client, chapters):
    text = client.get("/handbook/levels/benefits/").text

    assert "各等级权益一览的内容" in text
    assert 'rel="prev" href="/handbook/levels/"' in text
    # the members-only chapter is skipped for a visitor
    assert 'rel="next" href="/handbook/privacy/"' in text


def test_member_reading_order_includes_members_only_chapters(client, chapters, member):
    client.force_login(member)

    text = client.get("/handbook/levels/benefits/").text

    assert 'rel="next" href="/handbook/points/"' in text


def test_members_only_chapter_sends_visitor_to_login(client, chapters):
    for url in ("/handbook/points/", "/handbook/points/expiry/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


def test_member_reads_members_only_chapter(client, chapters, member):
    client.force_login(member)

    response = client.get("/handbook/points/")

    assert response.status_code == 200
    assert "推荐入会得500积分" in response.text


def test_members_only_chapters_are_not_in_sitemap_or_printable_view(client, chapters):
    sitemap = client.get("/sitemap.xml").text
    printable = client.get("/handbook/print/").text

    assert "/handbook/charter/" in sitemap
    assert "/handbook/points/" not in sitemap
    assert "/handbook/points/expiry/" not in sitemap
    assert "会员章程的内容" in printable and "隐私政策的内容" in printable
    assert "推荐入会得500积分" not in printable
    assert "24个月清零" not in printable


def test_printable_view_includes_members_only_chapters_for_members(client, chapters, member):
    client.force_login(member)

    printable = client.get("/handbook/print/").text

    assert "推荐入会得500积分" in printable and "24个月清零" in printable
    assert printable.index("会员章程的内容") < printable.index("隐私政策的内容")


def test_unticking_members_only_opens_the_chapter(client, chapters):
    points = chapters["points"]
    points.members_only = False
    points.save_revision().publish()

    response = client.get("/handbook/points/")

    assert response.status_code == 200
    assert "推荐入会得500积分" in response.text


def test_members_only_chapter_is_not_found_by_site_search(client, chapters):
    # What the indexing task does after the commit these test transactions never make.
    queue_process()

    found = client.get("/search/", {"q": "隐私政策"}).text
    hidden = client.get("/search/", {"q": "积分规则"}).text

    assert "/handbook/privacy/" in found
    assert "/handbook/points/" not in hidden
