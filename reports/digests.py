"""The daily digest: each user with an e-mail address or a phone number is told, once, of the new events among
their notices (reports/notices.py), as counts and a link: no child's name nor any detail of a case leaves the
portal. Run by the worker every morning (settings.CELERY_BEAT_SCHEDULE); running it again sends nothing new.

An event is recorded as sent (SentNotice) in the transaction that sends it: a message that fails rolls its rows
back and is tried again at the next run; two runs at once meet on the unique row and only one sends.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import SentNotice
from reports.notices import KINDS, notices_for
from tanloi_portal.sms import send_sms
from tanloi_portal.text import unaccented

logger = logging.getLogger(__name__)


@dataclass
class DigestRun:
    emails: int = 0
    texts: int = 0
    failed: list[str] = field(default_factory=list)  # usernames whose message could not be sent


def _new_counts(notices, sent: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for notice in notices:
        n = notice.new_count(sent)
        if n:
            counts[notice.kind] = counts.get(notice.kind, 0) + n
    return counts


def _email(user, counts: dict[str, int], link: str) -> None:
    total = sum(counts.values())
    subject = ngettext("[BVCSTE Tân Lợi] %(n)s việc mới chờ bạn", "[BVCSTE Tân Lợi] %(n)s việc mới chờ bạn", total) % {
        "n": total
    }
    lines = [_("Kính gửi %(name)s,") % {"name": user}, "", _("Trên cổng BVCSTE Tân Lợi có việc mới chờ bạn:")]
    lines += [f"- {KINDS[kind] % {'n': n}}" for kind, n in counts.items()]
    lines += ["", _("Xem và xử lý tại: %(link)s") % {"link": link}, "", _("Thư gửi tự động, xin đừng trả lời.")]
    send_mail(subject, "\n".join(lines), None, [user.email])


def _text(user, counts: dict[str, int], link: str) -> None:
    total = sum(counts.values())
    message = ngettext(
        "BVCSTE Tân Lợi: %(n)s việc mới chờ bạn. Xem %(link)s",
        "BVCSTE Tân Lợi: %(n)s việc mới chờ bạn. Xem %(link)s",
        total,
    ) % {"n": total, "link": link}
    # Without diacritics: a message with Vietnamese letters holds 70 characters, one without 160.
    send_sms(user.phone, unaccented(message))


CHANNELS = {SentNotice.Channel.EMAIL: ("email", _email), SentNotice.Channel.SMS: ("phone", _text)}


def send_digest(user, *, now=None) -> dict[str, int]:
    """Tell one user, on each channel they have, of the events not yet told there. Returns the new events
    counted by kind (empty: nothing was sent)."""
    notices = notices_for(user, now=now)
    events = {event for notice in notices for event in notice.events}
    told: dict[str, int] = {}
    link = settings.PORTAL_URL + reverse("notices")
    for channel, (address_field, send) in CHANNELS.items():
        if not getattr(user, address_field):
            continue
        sent = set(
            SentNotice.objects.filter(user=user, channel=channel, event__in=events).values_list("event", flat=True)
        )
        counts = _new_counts(notices, sent)
        if not counts:
            continue
        try:
            with transaction.atomic():
                SentNotice.objects.bulk_create(
                    [SentNotice(user=user, channel=channel, event=event) for event in sorted(events - sent)]
                )
                send(user, counts, link)
        except IntegrityError:
            continue  # another run is telling the same events
        told[channel] = sum(counts.values())
    return told


def send_digests(*, now=None) -> DigestRun:
    """The morning's digests, in the portal's language, for every active user with an address or a number."""
    now = now or timezone.now()
    run = DigestRun()
    users = get_user_model().objects.filter(is_active=True).filter(~Q(email="") | ~Q(phone=""))
    with translation.override(settings.LANGUAGE_CODE):
        for user in users.select_related("commune", "hamlet", "unit").order_by("pk"):
            try:
                told = send_digest(user, now=now)
            except Exception:
                logger.exception("Digest for user %s not sent", user.pk)
                run.failed.append(user.username)
                continue
            run.emails += SentNotice.Channel.EMAIL in told
            run.texts += SentNotice.Channel.SMS in told
    return run
