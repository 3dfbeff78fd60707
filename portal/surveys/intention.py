"""A purchase-intention survey (购房意向登记) feeds the member's profile, with their consent.

Questions coded ``purchase_area``, ``purchase_budget`` (in 10,000 yuan) and ``purchase_type``
map to the profile's fields of the same names; a ``purchase_type`` answer may be the code
(``apartment``), the label in Chinese or English, or a usual word (公寓, 联排, 别墅, 商铺).
"""

from django.utils import translation

from portal.members.models import MemberProfile

PROFILE_KEYS = ("purchase_area", "purchase_budget", "purchase_type")


# Words editors write in choices, checked in this order (联排别墅 is a townhouse, not a villa).
PROPERTY_WORDS = (
    ("联排", "townhouse"),
    ("叠拼", "townhouse"),
    ("别墅", "villa"),
    ("公寓", "apartment"),
    ("住宅", "apartment"),
    ("洋房", "apartment"),
    ("商铺", "commercial"),
    ("商业", "commercial"),
    ("写字楼", "commercial"),
)


def _property_type(answer: str) -> str:
    answer = answer.strip()
    for word, code in PROPERTY_WORDS:
        if word in answer:
            return code
    for code, label in MemberProfile.PropertyType.choices:
        if answer == code:
            return code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if answer == str(label):
                    return code
    return ""


def profile_updates_from(answers: dict) -> dict:
    """The profile fields the answers give, leaving out what does not fit a field."""
    updates = {}
    area = answers.get("purchase_area")
    if isinstance(area, str) and area.strip():
        updates["purchase_area"] = area.strip()[:60]
    budget = answers.get("purchase_budget")
    if budget is not None:
        try:
            number = int(str(budget).strip())
        except ValueError:
            number = -1
        if 0 < number < 2_000_000:
            updates["purchase_budget"] = number
    kind = answers.get("purchase_type")
    if isinstance(kind, str) and _property_type(kind):
        updates["purchase_type"] = _property_type(kind)
    return updates
