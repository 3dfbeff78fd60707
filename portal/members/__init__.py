"""Members: accounts (the custom user model), profiles, housing projects and verified ownership,
levels, the two points ledgers and rewards, the member card, privacy (masking, access log, data
download and deletion), the personal center (``/me/``) and the staff member pages (``/members/``).

Its app label is ``portal``, the label these models were created under, so that existing
databases, permissions (``portal.view_member_pii``), content types and ``AUTH_USER_MODEL``
(``portal.User``) stay as they are. It imports nothing from ``forum``, ``cms`` or ``search``:
they depend on it, and where a member page shows forum data the forum provides the view.
"""
