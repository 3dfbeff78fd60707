"""Boards: the forum's structure (club boards, an owners' board per housing project, mutual help,
complaints and suggestions), who may post where and how often, trust levels and moderation
rules, the member's own posts (``/me/posts/``), the points for a first post, and the forum's
demo and load data.
"""
