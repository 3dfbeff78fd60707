"""A paginator told its total instead of counting its rows."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """Pages over ``object_list`` with a total worked out elsewhere (e.g. from kept counters).

    The total decides only the number of pages; a page's rows are always ``per_page`` rows from
    its first (LIMIT/OFFSET), never cut at the total, so a total that were ever off could not
    drop or repeat a row of the list.
    """

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property: fill it in.

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)
