from cms import selectors
from cms.models import Merchant
from tests.cms.conftest import make_merchant


def test_merchants_due_for_check_are_those_unchecked_for_over_30_days(db, today):
    make_merchant(name="刚检查", checked=3)
    make_merchant(name="正好30天", checked=30)
    make_merchant(name="31天未检查", checked=31)
    make_merchant(name="从未检查", checked=None)
    make_merchant(name="已终止合作", checked=90, status=Merchant.Status.ENDED)

    due = [m.name for m in selectors.merchants_due_for_check(today=today)]

    assert sorted(due) == sorted(["31天未检查", "从未检查"])


def test_merchants_whose_agreement_ends_within_30_days(db, today):
    make_merchant(name="今天到期", end=0)
    make_merchant(name="30天后到期", end=30)
    make_merchant(name="31天后到期", end=31)
    make_merchant(name="已经到期", start=-300, end=-1)

    ending = [m.name for m in selectors.merchants_agreement_ending(today=today)]

    assert ending == ["今天到期", "30天后到期"]
