"""Send one campaign by mail to N generated members through a local SMTP server (not a test).

    DATABASE_URL=sqlite:////tmp/b.sqlite3 .venv/bin/python bench/campaign_bench.py --members 20000

Needs a migrated database (it adds N members named ``bench-*``, reused on the next run). Starts
an aiosmtpd server on a free port, in a process of its own, that counts what arrives, approves
a marketing mail campaign to those members and sends it with one worker and no throttle,
printing the time to list the recipients, the sending rate, the share of mails the SMTP server
received, the process's resident memory before, during (at every 10% of the deliveries) and
after, and the CPU time the sender and the SMTP server spent per mail (on a machine others
load, the rate follows the share of the cores the bench gets; the CPU time per mail does not).
"""

import argparse
import cProfile
import logging
import multiprocessing
import os
import pstats
import resource
import socket
import sys
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
    """aiosmtpd's handler: counts the mails that arrive in a value shared with the bench."""

    def __init__(self, count):
        self.count = count

    async def handle_DATA(self, server, session, envelope):
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def smtp_serve(port: int, count, ready, stop, log: bool) -> None:
    """The local SMTP server, in its own process as a real server would be: in the bench's
    process its thread fought the sender for the GIL, and each SMTP reply waited for a
    switch interval (profiled 2026-12-03: about 3 ms per reply, most of a mail's time)."""
    if not log:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Counter(count), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


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
    parser.add_argument(
        "--profile", action="store_true", help="Profile 40 s of sending; print the top 30."
    )
    parser.add_argument(
        "--smtp-log",
        action="store_true",
        help="Let aiosmtpd log every SMTP command at INFO (as it did before 2026-12-03).",
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    members_ensure(args.members)
    print(f"members ready: {args.members} in {time.perf_counter() - t0:.1f}s")

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    received = multiprocessing.Value("l", 0)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(
        target=smtp_serve, args=(port, received, ready, stop, args.smtp_log), daemon=True
    )
    server.start()
    ready.wait(30)
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
    cpu2 = time.process_time()
    print(f"recipients listed: {campaign.deliveries.count()} in {t2 - t1:.1f}s")

    samples = []
    step = max(1, args.members // 10)
    original = sending._outcome

    def sampled(pk, **fields):
        original(pk, **fields)
        if received.value and received.value % step == 0:
            samples.append(round(rss_mb()))

    sending._outcome = sampled
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(
            sending.campaign_send, campaign_id=campaign.pk, worker="bench", time_budget=40
        )
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    else:
        sending.campaign_send(campaign_id=campaign.pk, worker="bench")
    t3 = time.perf_counter()
    cpu3 = time.process_time()
    time.sleep(0.5)
    stop.set()
    server.join(10)
    campaign.refresh_from_db()
    sent = campaign.deliveries.filter(status="sent").count()
    print(
        f"sent: {sent} in {t3 - t2:.1f}s = {sent / (t3 - t2):.0f} mails/s; "
        f"SMTP server received {received.value}; campaign {campaign.status}"
    )
    print(f"rss during (every 10%): {samples} MB; after: {rss_mb():.0f} MB")
    server_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = server_cpu.ru_utime + server_cpu.ru_stime
    print(
        f"CPU: sender {cpu3 - cpu2:.1f} s ({1000 * (cpu3 - cpu2) / max(sent, 1):.2f} ms a mail), "
        f"SMTP server {server_cpu:.1f} s; wall {t3 - t2:.1f} s; load average {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
