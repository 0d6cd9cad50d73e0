"""Log-in throttling on top of django-axes: two rules, each with its own limit, and the way back from a lock.

- The account rule (django-axes' own AXES_LOCKOUT_PARAMETERS, one user name from one address): AXES_FAILURE_LIMIT
  failures lock that user name at that address. A colleague behind the office's shared address keeps logging in.
- The address rule: LOGIN_ADDRESS_FAILURE_LIMIT failures from one address, whatever the user names, block every
  log-in from that address. It catches password spraying (a few guesses on each of many accounts), which the
  account rule never sees.

Both count the failures of the cool-off window (AXES_COOLOFF_TIME) and both end by themselves when it has passed.
Tries made while locked are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), so the end shown on
the lock-out page stays true, and the admin may end a lock at once (user admin: "Mở khóa đăng nhập"; access
attempts admin: "Mở khóa địa chỉ mạng"). A successful log-in clears only the account rule's failures: someone
holding one good account must not be able to reset the spraying count by logging in with it now and then.

django-axes compares one number of failures with one limit, so the handler reports, for whichever rule is
nearest its limit, how many failures that is on the account rule's scale.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone


class Rule:
    ACCOUNT = "account"
    ADDRESS = "address"


@dataclass(frozen=True)
class Lock:
    rule: str
    until: datetime


def _limits() -> dict[str, int]:
    return {Rule.ACCOUNT: settings.AXES_FAILURE_LIMIT, Rule.ADDRESS: settings.LOGIN_ADDRESS_FAILURE_LIMIT}


def _attempts(rule: str, *, username: str | None, ip_address: str | None, since: datetime):
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    if rule == Rule.ACCOUNT:
        attempts = attempts.filter(username=username)
    return attempts


def _lock_end(rows: list[tuple[datetime, int]], limit: int) -> datetime | None:
    """When the rule lets go, if nobody fails meanwhile: when the newest rows that reach the limit leave the window.

    Each row is one (user name, address, browser) with its failures and its latest failure's time, which is how
    django-axes counts: a row stays in the window, whole, until its latest failure is older than the cool-off.
    """
    total = 0
    for attempt_time, failures in sorted(rows, reverse=True):
        total += failures
        if total >= limit:
            return attempt_time + get_cool_off()
    return None


def failures_and_locks(*, username: str | None, ip_address: str | None, now: datetime) -> tuple[dict, list[Lock]]:
    """({rule: failures in the window}, [the locks in force]): one query per rule."""
    since = now - get_cool_off()
    failures, locks = {}, []
    for rule, limit in _limits().items():
        rows = list(
            _attempts(rule, username=username, ip_address=ip_address, since=since).values_list(
                "attempt_time", "failures_since_start"
            )
        )
        failures[rule] = sum(f for _, f in rows)
        if failures[rule] >= limit:
            locks.append(Lock(rule=rule, until=_lock_end(rows, limit)))
    return failures, locks


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with the address rule added (see the module's docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures, _ = failures_and_locks(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            now=request.axes_attempt_time or timezone.now(),
        )
        # Tries left before a lock, under the stricter rule, turned into failures on the account rule's scale:
        # axes locks when this reaches AXES_FAILURE_LIMIT, i.e. when either rule has no try left.
        tries_left = min(limit - failures[rule] for rule, limit in _limits().items())
        return settings.AXES_FAILURE_LIMIT - tries_left


def lockout_response(request, original_response=None, credentials: dict | None = None):
    """AXES_LOCKOUT_CALLABLE: the lock-out page, saying which lock holds and when it ends (429)."""
    _, locks = failures_and_locks(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        now=request.axes_attempt_time or timezone.now(),
    )
    context = {
        # The address block is named first: unlocking the account alone would not lift it.
        "address_blocked": any(lock.rule == Rule.ADDRESS for lock in locks),
        # Log-in works again once every lock in force has ended.
        "until": max((lock.until for lock in locks), default=None),
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def locked_accounts(*, now: datetime | None = None) -> dict[str, datetime]:
    """{user name: end of its lock} for every user name locked at some address now (one query)."""
    now = now or timezone.now()
    since = now - get_cool_off()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(username=None)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    locked: dict[str, datetime] = {}
    for row in rows:
        # One row per browser at most: the group's latest failure is when its window ends, near enough.
        until = row["last"] + get_cool_off()
        locked[row["username"]] = max(until, locked.get(row["username"], until))
    return locked


def login_unlock(*, usernames=(), ip_addresses=()) -> int:
    """Lift the locks of these user names (at every address) and of these addresses. Returns the rows removed."""
    removed = 0
    if usernames:
        removed += AccessAttempt.objects.filter(username__in=list(usernames)).delete()[0]
    if ip_addresses:
        removed += AccessAttempt.objects.filter(ip_address__in=list(ip_addresses)).delete()[0]
    return removed
