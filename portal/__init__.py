"""The project shell: settings, root URLs, WSGI/ASGI, middleware, the visitors' page cache, error
and health views, context processors.

Each club domain is an app of its own below it (``portal.members`` today; activities, surveys
and campaigns as they land), and ``portal.loaddata.core`` is the load-data and demo-data tool. The
shell imports the domains; a domain never imports the shell.
"""
