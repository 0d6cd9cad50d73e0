"""Sending a task to the worker once the current transaction commits, without failing the request that made
the change when the broker (Redis) is out of reach: the failure is logged and handed to `on_failure`, which
says so where the user will read it (the job's page) or leaves a mark that a later run picks up."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)
# What publishing raises when the broker cannot be reached (kombu wraps connection errors; a refused socket
# may surface as an OSError).
BROKER_ERRORS = (OperationalError, OSError)


def send(task, *args, on_failure=None) -> bool:
    """Send now; False (after `on_failure()`) when the broker cannot be reached."""
    try:
        task.delay(*args)
    except BROKER_ERRORS:
        logger.warning("Could not queue %s", task.name, exc_info=True)
        if on_failure is not None:
            on_failure()
        return False
    return True


def send_after_commit(task, *args, on_failure=None) -> None:
    """Send once the transaction commits (a worker must never look for a row not yet there)."""
    transaction.on_commit(lambda: send(task, *args, on_failure=on_failure))
