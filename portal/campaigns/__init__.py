"""Campaigns and care (刊物): segments of members, campaigns over mail, SMS and site messages,
their reliable sending with consent and unsubscribe, and birthday greetings.

See docs/campaigns.md.
"""
