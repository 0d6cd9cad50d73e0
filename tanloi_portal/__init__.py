# The task worker's app is loaded with Django, so that tasks declared with @shared_task bind to it.
from tanloi_portal.celery import app as celery_app

__all__ = ("celery_app",)
