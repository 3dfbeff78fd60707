"""What the members domain announces, for other apps to act on without being imported here.

``housing_project_ensured`` is sent (inside the transaction) each time ``housing_project_ensure``
creates or confirms a project: the forum makes sure the project's owners' board exists.
"""

from django.dispatch import Signal

housing_project_ensured = Signal()  # kwargs: project
