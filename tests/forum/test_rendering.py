import pytest

from forum.rendering import render_post

PAYLOADS = [
    "<script>alert(1)</script>hello",
    '<img src="x" onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "[x](JaVaScRiPt:alert(1))",
    '<svg onload="alert(1)"></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_user_markup_comes_out_inert(payload):
    html = render_post(payload).lower()

    assert "<script" not in html
    assert "javascript:" not in html
    assert "data:" not in html
    assert "onerror" not in html
    assert "onload" not in html
    assert "<iframe" not in html
    assert "style=" not in html


def test_ordinary_markdown_still_renders():
    html = render_post("**漏水**处理进度：\n\n- 已报修\n- [物业通知](https://example.com/n)")

    assert "<strong>漏水</strong>" in html
    assert "<li>已报修</li>" in html
    assert 'href="https://example.com/n"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html
