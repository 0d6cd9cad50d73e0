from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top of the flow: orchestrates each app's demo module for `seed_demo`, and holds nothing of its own."""

    name = "demo"
    verbose_name = "Dữ liệu mẫu"
