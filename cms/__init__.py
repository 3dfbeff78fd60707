"""Content, on Wagtail: the home page, news, the member handbook, alliance merchants and their
offers, feeds, and the editor → approver workflow. Page models and the reads the pages serve
live in ``models``; the handbook's navigation in ``handbook``; reads for other areas in
``selectors``.
"""
