"""Messaging channels other than mail: SMS today (and the campaigns' sending on top of it).

``sms.sms_send(mobile=..., text=..., kind=...)`` sends one text through the backend chosen by
``SMS_URL`` (``console://`` by default: printed, nothing leaves the machine). Provider adapters
(a real HTTPS API with its request signing) implement ``sms.SmsBackend``. Consent is the
caller's business: service messages (a sign-up confirmation) and marketing differ.
"""
