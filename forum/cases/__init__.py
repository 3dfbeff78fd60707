"""Cases: every topic in a complaints or suggestions board becomes a case that reaches the
department that can act on it — routing (rules and a classifier that learns from moderators),
the case pipeline and its SLA clocks, the triage queues (``/triage/``), official replies, the
member's cases (``/me/cases/``), case mail and the monthly reports.
"""
