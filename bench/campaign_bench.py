"""Send one campaign by mail to N generated members through a local SMTP server (not a test).

    DATABASE_URL=sqlite:////tmp/b.sqlite3 .venv/bin/python bench/campaign_bench.py --members 20000

Needs a migrated database (it adds N members named ``bench-*``, reused on the next run). Starts
an aiosmtpd server on a free port that counts what arrives, approves a marketing mail campaign
to those members and sends it with one worker and no throttle, printing the time to list the
recipients, the sending rate, the share of mails the SMTP server received, and the process's
resident memory before, during (at every 10% of the deliveries) and after.
"""

import argparse
import os
import resource
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.campaigns import sending  # noqa: E402
from portal.campaigns.models import Campaign, Segment  # noqa: E402
from portal.members.models import MemberProfile, User  # noqa: E402
from portal.members.points import member_levels_ensure  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


class Counter:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def members_ensure(n: int) -> None:
    have = User.objects.filter(username__startswith="bench-").count()
    level = member_levels_ensure()[0]
    for start in range(have, n, 5000):
        end = min(n, start + 5000)
        users = User.objects.bulk_create(
            User(username=f"bench-{i}", email=f"bench-{i}@example.com", password="!")
            for i in range(start, end)
        )
        if users[0].pk is None:
            users = list(User.objects.filter(username__in=[u.username for u in users]))
        MemberProfile.objects.bulk_create(
            MemberProfile(user=u, member_number=f"B{u.pk:09d}", level=level, city="基准城")
            for u in users
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    members_ensure(args.members)
    print(f"members ready: {args.members} in {time.perf_counter() - t0:.1f}s")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.CAMPAIGN_RATE_PER_SECOND = {"mail": 0, "sms": 0, "site": 0}
    settings.CAMPAIGN_FREQUENCY_CAP = 0

    segment, _created = Segment.objects.get_or_create(
        name="bench", defaults={"filters": {"cities": ["基准城"]}}
    )
    staff = User.objects.filter(username="bench-0").get()
    campaign = Campaign.objects.create(
        name=f"bench {timezone.now():%H:%M:%S}",
        segment=segment,
        created_by=staff,
        send_mail=True,
        subject="{name}，会员月刊",
        mail_body="亲爱的{name}：本月看点 https://club.example/june",
        status=Campaign.Status.APPROVED,
        approved_by=staff,
        approved_at=timezone.now(),
    )
    print(f"rss before: {rss_mb():.0f} MB")
    t1 = time.perf_counter()
    sending.campaign_start(campaign_id=campaign.pk)
    t2 = time.perf_counter()
    print(f"recipients listed: {campaign.deliveries.count()} in {t2 - t1:.1f}s")

    samples = []
    step = max(1, args.members // 10)
    original = sending._outcome

    def sampled(pk, **fields):
        original(pk, **fields)
        if counter.count and counter.count % step == 0:
            samples.append(round(rss_mb()))

    sending._outcome = sampled
    sending.campaign_send(campaign_id=campaign.pk, worker="bench")
    t3 = time.perf_counter()
    time.sleep(0.5)
    controller.stop()
    campaign.refresh_from_db()
    sent = campaign.deliveries.filter(status="sent").count()
    print(
        f"sent: {sent} in {t3 - t2:.1f}s = {sent / (t3 - t2):.0f} mails/s; "
        f"SMTP server received {counter.count}; campaign {campaign.status}"
    )
    print(f"rss during (every 10%): {samples} MB; after: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
