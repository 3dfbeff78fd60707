"""Surveys (问卷) and owners' votes (业主表决).

Surveys are Wagtail pages (``SurveyPage`` under ``SurveyIndexPage``), written by editors and
published by approvers through the editorial workflow; members answer them once (drafts kept),
visitors through a signed per-browser token. Owners' votes are Django models created by
administrators: one ballot per verified unit, counted by units and by floor area against the
decision rules set when the vote is created. ``/surveys/`` lists what the reader may answer.
"""
