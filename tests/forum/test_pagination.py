"""Pagination of boards and topics links a window of pages, not every page."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def test_a_board_of_4000_pages_links_a_window_around_the_current_page():
    paginator = Paginator(range(85_000), 20)
    page = paginator.page(2000)

    html = render_to_string(
        "partials/pagination.html",
        {"is_paginated": True, "page_obj": page, "paginator": paginator},
    )

    linked = [n for n in range(1, paginator.num_pages + 1) if f'href="?page={n}"' in html]
    assert linked == [1, 1998, 1999, 2000, 2001, 2002, paginator.num_pages]
    assert html.count("&hellip;") == 2
    assert 'aria-current="page">2000<' in html
    assert len(html) < 3000


def test_nothing_is_rendered_for_a_single_page():
    paginator = Paginator(range(5), 20)
    html = render_to_string(
        "partials/pagination.html",
        {"is_paginated": False, "page_obj": paginator.page(1), "paginator": paginator},
    )
    assert html.strip() == ""
