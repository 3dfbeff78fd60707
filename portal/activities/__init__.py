"""Member activities (会员活动): what the club runs for its members and how they take part.

Owns the activity pages (an ``/activities/`` index and its activity pages, published through the
editor → approver workflow), circles (圈子) that some activities are for, sign-ups with
companions and a waiting list, check-in at the door with the member card, the attendance points
(``activity_attended``), follow-up ratings, experience summaries (the case library) and the
annual plan. Uses ``portal.members`` (cards, notices, points, holds); members never imports it.
"""
