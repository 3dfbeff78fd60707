"""Who may do what with recurring issues and the improvement list."""

from forum.visibility import is_moderator, staff_department_ids


def headed_department_ids(user) -> frozenset[int]:
    from forum.cases.services import headed_department_ids as headed

    return headed(user)


def user_department_ids(user) -> frozenset[int]:
    """The departments whose staff group the user is in, or which they head."""
    return staff_department_ids(user) | headed_department_ids(user)


def can_see_improvements(user) -> bool:
    return is_moderator(user) or bool(user_department_ids(user))


def can_create_improvement(user) -> bool:
    """Moderators (客户关系) promote recurring issues and cases to the list."""
    return is_moderator(user)


def can_see_improvement(user, item) -> bool:
    return is_moderator(user) or item.department_id in user_department_ids(user)


def can_change_improvement(user, item) -> bool:
    """Moderators, and the staff and heads of the department that owns the item."""
    return can_see_improvement(user, item)


def can_see_recurring_issues(user) -> bool:
    """Moderators see every issue; department heads their departments' (on the report)."""
    return is_moderator(user) or bool(headed_department_ids(user))
