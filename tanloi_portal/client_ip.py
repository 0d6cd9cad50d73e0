"""The address a request really came from, for the access log and the log-in lock-out.

Behind a reverse proxy every request's REMOTE_ADDR is the proxy's: one person's wrong passwords would then
lock everybody out, and the access log would name nobody. TRUSTED_PROXY_COUNT says how many proxies of
ours stand in front of the portal; the address they appended to X-Forwarded-For is the client's. Anything
further left in that header was written by the client and is not trusted.
"""

from django.conf import settings


def client_ip(request) -> str | None:
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
