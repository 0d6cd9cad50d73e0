"""Log records as data: the request a record was logged for becomes plain fields of its JSON line."""

import logging


class RequestFields(logging.Filter):
    """Replaces the request object that django.request attaches to a record by its method, path and user id.

    Only the path is kept, never the query string or the body: they may carry a child's name.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.method = getattr(request, "method", None)
            record.path = request.path
            user = getattr(request, "user", None)
            record.user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
            delattr(record, "request")
        return True
