"""Send one campaign by mail to N generated members through a local SMTP server (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kh_bench DEBUG=0 \\
      .venv/bin/python bench/campaign_bench.py --members 100000 --workers 2

Needs a migrated database (it adds N members named ``bench-*``, reused on the next run; the
campaign goes to all of them, so a smaller N after a larger one sends to the larger number).
Starts an aiosmtpd server on a free port, in a process of its own, that records every recipient
it is given; approves a marketing mail campaign to those members and sends it with
``--workers`` sender processes at once (each calls ``sending.campaign_send`` under its own
worker name, as ``db_worker`` processes running ``campaign_send_task`` would; they share the
rows by ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL), with no throttle. Prints the time to
list the recipients, the wall time and rate, each worker's resident memory over time (every
``--sample-seconds``) and CPU time, the SMTP server's CPU time, the load average while sending,
and the exactly-once check: the log's outcomes by status and by worker, and the recipients the
SMTP server received compared with the log's *sent* rows (each exactly once, none missing, none
unexpected). On a machine others load the rate follows the share of the cores the bench gets;
the CPU time per mail does not.
"""

import argparse
import collections
import cProfile
import logging
import multiprocessing
import os
import pstats
import queue
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
from django.db import connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from portal.campaigns import sending  # noqa: E402
from portal.campaigns.models import Campaign, Delivery, Segment  # noqa: E402
from portal.members.models import MemberProfile, User  # noqa: E402
from portal.members.points import member_levels_ensure  # noqa: E402

# Sender processes are forked so they inherit the settings the bench changes below.
FORK = multiprocessing.get_context("fork")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1e6


class Recorder:
    """aiosmtpd's handler: counts the mails that arrive (in a value shared with the bench) and
    how often each recipient address was given."""

    def __init__(self, count):
        self.count = count
        self.recipients = collections.Counter()

    async def handle_DATA(self, server, session, envelope):
        self.recipients.update(envelope.rcpt_tos)
        with self.count.get_lock():
            self.count.value += 1
        return "250 OK"


def smtp_serve(port: int, count, ready, stop, log: bool, results) -> None:
    """The local SMTP server, in its own process as a real server would be: in the bench's
    process its thread fought the sender for the GIL, and each SMTP reply waited for a
    switch interval (profiled 2026-12-03: about 3 ms per reply, most of a mail's time)."""
    if not log:
        logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = Recorder(count)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()
    results.put((dict(handler.recipients), time.process_time()))


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


def send_worker(campaign_id: int, name: str, profile: bool, every: float, results) -> None:
    """One sender process: sends until nothing is due, sampling its resident memory."""
    outcomes = [0]
    original = sending._outcome

    def counted(pk, **fields):
        original(pk, **fields)
        outcomes[0] += 1

    sending._outcome = counted
    started, cpu0 = time.perf_counter(), time.process_time()
    samples = [(0, 0, round(rss_mb()))]
    done = threading.Event()

    def sample():
        while not done.wait(every):
            samples.append((round(time.perf_counter() - started), outcomes[0], round(rss_mb())))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if profile:
        profiler = cProfile.Profile()
        totals = profiler.runcall(
            sending.campaign_send, campaign_id=campaign_id, worker=name, time_budget=40
        )
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    else:
        totals = sending.campaign_send(campaign_id=campaign_id, worker=name)
    done.set()
    sampler.join()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    samples.append((round(wall), outcomes[0], round(rss_mb())))
    connections.close_all()
    results.put(
        {"name": name, "totals": dict(totals), "wall": wall, "cpu": cpu, "samples": samples}
    )


def exactly_once(campaign: Campaign, recipients: dict[str, int]) -> None:
    """The log's outcomes against what the SMTP server received."""
    deliveries = Delivery.objects.filter(campaign=campaign)
    by_status = dict(deliveries.values_list("status").annotate(n=Count("pk")).order_by())
    by_worker = dict(
        deliveries.filter(status=Delivery.Status.SENT)
        .values_list("claimed_by")
        .annotate(n=Count("pk"))
        .order_by()
    )
    retried = deliveries.filter(attempts__gt=1).count()
    rows = deliveries.count()
    members = deliveries.values("member_id").distinct().count()
    sent_to = set(
        deliveries.filter(status=Delivery.Status.SENT).values_list("member__email", flat=True)
    )
    received = set(recipients)
    twice = sum(1 for times in recipients.values() if times > 1)
    print(
        f"log: {rows} rows for {members} members; by status {by_status}; "
        f"sent by worker {by_worker}; rows with more than one attempt: {retried}"
    )
    print(
        f"SMTP server: {sum(recipients.values())} mails to {len(received)} addresses; "
        f"received more than once: {twice}; sent in the log but not received: "
        f"{len(sent_to - received)}; received but not sent in the log: {len(received - sent_to)}"
    )
    ok = (
        rows == members
        and by_status == {Delivery.Status.SENT: rows}
        and twice == 0
        and sent_to == received
    )
    print(f"exactly once: {'yes' if ok else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=1, help="Sender processes at once.")
    parser.add_argument(
        "--sample-seconds", type=float, default=30, help="How often each worker samples its RSS."
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="Profile 40 s of sending (each worker); print the top 30.",
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
    server_results = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=smtp_serve,
        args=(port, received, ready, stop, args.smtp_log, server_results),
        daemon=True,
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
    print(f"recipients listed: {campaign.deliveries.count()} in {t2 - t1:.1f}s")

    connections.close_all()  # a forked worker must not share the bench's connection
    results = FORK.Queue()
    workers = [
        FORK.Process(
            target=send_worker,
            args=(campaign.pk, f"bench-w{i + 1}", args.profile, args.sample_seconds, results),
        )
        for i in range(args.workers)
    ]
    t2 = time.perf_counter()
    for worker in workers:
        worker.start()
    loads, reports = [], []
    while len(reports) < len(workers):
        loads.append(os.getloadavg()[0])
        try:
            reports.append(results.get(timeout=10))
        except queue.Empty:  # nothing yet: sample the load again
            if not any(worker.is_alive() for worker in workers) and results.empty():
                break
    t3 = time.perf_counter()
    for worker in workers:
        worker.join(30)
    time.sleep(0.5)
    stop.set()
    recipients, server_cpu = server_results.get(timeout=60)
    server.join(10)
    campaign.refresh_from_db()
    sent = campaign.deliveries.filter(status="sent").count()
    print(
        f"sent: {sent} in {t3 - t2:.1f}s = {sent / (t3 - t2):.0f} mails/s with "
        f"{args.workers} worker(s); SMTP server received {received.value}; "
        f"campaign {campaign.status}"
    )
    cpu = sum(report["cpu"] for report in reports)
    for report in sorted(reports, key=lambda report: report["name"]):
        rss = [mb for _s, _n, mb in report["samples"]]
        print(
            f"{report['name']}: {dict(report['totals'])} in {report['wall']:.1f}s, CPU "
            f"{report['cpu']:.1f}s; RSS {rss[0]} → max {max(rss)} → {rss[-1]} MB; "
            f"(s, mails, MB): {report['samples']}"
        )
    if len(reports) < len(workers):
        print(f"WORKERS THAT REPORTED NOTHING: {len(workers) - len(reports)}")
    print(
        f"CPU: senders {cpu:.1f} s ({1000 * cpu / max(sent, 1):.2f} ms a mail), SMTP server "
        f"{server_cpu:.1f} s; wall {t3 - t2:.1f} s; load average (1 min) while sending "
        f"{min(loads):.1f}–{max(loads):.1f}, now {os.getloadavg()}"
    )
    exactly_once(campaign, recipients)


if __name__ == "__main__":
    main()
