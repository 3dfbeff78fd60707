from django.apps import AppConfig


class LoadDataConfig(AppConfig):
    """Hosts the ``seed_demo`` and ``generate_load_data`` commands; it has no models."""

    name = "portal.loaddata"
    label = "loaddata"
    verbose_name = "Load data"
