"""A monthly automatic invoicing run (SPEC 10.2) on a big practice: one invoice per client with
sessions (completed ones of the month, scheduled ones of the next), each issued, its PDF made and
attached to an e-mail queued in the same transaction, then every e-mail sent to a local SMTP server
(aiosmtpd on 127.0.0.1). Prints the clients invoiced, the total time and the time per client, split
into the invoicing, charging and sending phases. With ``--cards`` every client has a card on file and
each invoice is charged off-session to the recording Stripe server of the tests (127.0.0.1), with a
receipt e-mailed after each charge (SPEC 10.4).

    .venv/bin/python benchmarks/bench_auto_invoicing.py                  # builds 36,000 sessions / 3,000 clients
    .venv/bin/python benchmarks/bench_auto_invoicing.py --sessions 60000 --clients 3000 --no-email
    .venv/bin/python benchmarks/bench_auto_invoicing.py --cards        # + a charge and a receipt per client
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time as _time
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=36_000)
    ap.add_argument("--clients", type=int, default=3000)
    ap.add_argument("--no-email", action="store_true", help="issue the invoices without e-mailing them")
    ap.add_argument("--cards", action="store_true", help="every client has a card on file: charge each invoice")
    ap.add_argument("--stripe-latency", type=float, default=0.0,
                    help="seconds the recording Stripe server waits before each charge's answer (real Stripe: ~0.3-1)")
    ap.add_argument("--charge-workers", type=int, default=None, help="charges sent at once (default: the app's)")
    ap.add_argument("--in-process-servers", action="store_true",
                    help="run the SMTP and Stripe servers in this process (as before: they compete for its GIL)")
    args = ap.parse_args(argv)

    from app.db import make_engine, sqlite_url
    from app.services.billing import auto_invoicing
    from app.services.billing import settings as auto_settings
    from app.services.clock import FixedClock
    from app.services.messaging import settings as msettings
    from app.services.people import users
    from app.services.practice import Practice
    from benchmarks.build_big_practice import build

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.sqlite"
        info = build(path, sessions=args.sessions, clients=args.clients, years=1)
        print(f"built {info.sessions:,} sessions, {info.clients:,} clients in {info.seconds:.1f} s")
        # the month before the clock: its last day at 18:05, local
        local_now = info.now.astimezone(ZoneInfo("America/New_York"))
        month_end = local_now.date().replace(day=1) - timedelta(days=1)
        at = datetime.combine(month_end, time(18, 5), tzinfo=local_now.tzinfo)
        clock = FixedClock(at)
        practice = Practice(make_engine(sqlite_url(path)), clock=clock, path=path)
        admin = users.first_admin(practice).actor
        servers = _Servers(args.in_process_servers, args.stripe_latency)
        smtp_port = servers.start_smtp()
        msettings.update_message_settings(practice, admin, mail_host="127.0.0.1", mail_port=smtp_port,
                                          mail_security="none", mail_user="", mail_from="office@example.com")
        auto_settings.update_auto_invoicing(practice, admin, auto_settings.AutoInvoiceInput(
            enabled=True, interval="monthly", weekday=4, run_time=time(18, 0), completed=True, scheduled=True,
            email=not args.no_email, start_date=month_end.replace(day=1)))
        if args.cards:
            _cards_on_file(practice, admin, servers.start_stripe())
            if args.charge_workers:
                from app.services.billing import auto_billing

                auto_billing.WORKERS = args.charge_workers
        phase = {"invoicing": None, "charging": None, "sending": None}
        cpu = {}

        def progress(done, total, text):
            key = ("sending" if text.startswith("Sending") else "charging" if text.startswith("Charging")
                   else "invoicing")
            if phase[key] is None:
                phase[key] = _time.perf_counter()
                cpu[key] = _cpu()

        t0, c0 = _time.perf_counter(), _cpu()
        summary = auto_invoicing.run_due(practice, admin, progress=progress)
        t1, c1 = _time.perf_counter(), _cpu()
        arrived, charges = servers.stop()
        practice.close()
    send_start = phase["sending"] or t1
    charge_start = phase["charging"] or send_start
    n = summary.invoices + summary.failed
    print(f"run of {date.isoformat(month_end)}: {summary.invoices:,} invoices, {summary.failed} failed, "
          f"{summary.charged:,} charged ({summary.charge_failed} not), "
          f"{summary.emails_sent:,} e-mails sent, {summary.emails_failed} failed")
    print(f"total {t1 - t0:.1f} s = {1000 * (t1 - t0) / max(n, 1):.1f} ms per client "
          f"(invoicing + PDF + queueing {charge_start - t0:.1f} s = {1000 * (charge_start - t0) / max(n, 1):.1f} ms/client; "
          + (f"charging {send_start - charge_start:.1f} s = "
             f"{1000 * (send_start - charge_start) / max(summary.charged, 1):.1f} ms/charge; " if args.cards else "")
          + f"sending {t1 - send_start:.1f} s = {1000 * (t1 - send_start) / max(summary.emails_sent, 1):.1f} ms/e-mail)")
    print(f"the SMTP server received {arrived:,} e-mails with a PDF"
          + (f"; the Stripe server made {charges:,} charges" if charges is not None else "")
          + (" (servers in this process)" if args.in_process_servers else " (servers in their own processes)"))
    c_send, c_charge = cpu.get("sending", c1), cpu.get("charging", cpu.get("sending", c1))
    print(f"CPU seconds: the run's process {c1[0] - c0[0]:.1f} (invoicing {c_charge[0] - c0[0]:.1f}, "
          f"charging {c_send[0] - c_charge[0]:.1f}, sending {c1[0] - c_send[0]:.1f}), its helper processes "
          f"{c1[1] - c0[1]:.1f}" + "".join(f", {k} server {v:.1f}" for k, v in servers.cpu.items())
          + f"; {1000 * (c1[0] - c0[0] + c1[1] - c0[1] + sum(servers.cpu.values())) / max(n, 1):.1f} ms of CPU "
            f"per client in all, for {t1 - t0:.1f} s of wall time")


def _cards_on_file(practice, admin, stripe_url):
    """Card payments set up against the tests' recording Stripe server, a card on file for every client
    (written straight to the table: the link flow is not what is measured)."""
    import keyring
    from sqlalchemy import insert, select

    from app.models import CardOnFile, Client
    from app.services.billing import card_settings
    from tests.messaging_servers import MemoryKeyring
    from tests.stripe_servers import CARD_OK, RecordingStripe

    keyring.set_keyring(MemoryKeyring())
    card_settings.update_card_settings(practice, admin, api_base=stripe_url, return_url="https://example.com/ok")
    card_settings.set_card_key(practice, admin, RecordingStripe.secret_key)
    now = practice.clock.now()
    with practice.uow() as tx:
        ids = list(tx.scalars(select(Client.id)))
        tx.execute(insert(CardOnFile), [dict(client_id=c, customer_id=f"cus_{c}", payment_method_id=CARD_OK,
                                             brand="visa", last4="4242", exp_month=12, exp_year=2030, saved_at=now)
                                        for c in ids])
    return stripe_url


# -- the local servers, each in a process of its own ------------------------------------------------
def _serve(kind: str, latency: float, conn) -> None:
    """A child process: the SMTP server (aiosmtpd) or the recording Stripe server; sends where it
    listens, then on "stop" what it received (messages with a PDF attached, or charges made)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if kind == "smtp":
        from tests.messaging_servers import SmtpServer

        server = SmtpServer()
        server.start()
        conn.send((server.port, _time.process_time()))
        conn.recv()
        got = sum(1 for a in server.arrived if any(p.get_content_type() == "application/pdf"
                                                   for p in a.message.iter_attachments()))
        server.stop()
    else:
        from tests.stripe_servers import RecordingStripe

        server = RecordingStripe()
        server.late_answers, server.late_seconds = (10**9, latency) if latency else (0, 0)
        conn.send((server.url, _time.process_time()))
        conn.recv()
        got = len(server.charges)
        server.close()
    conn.send((got, _time.process_time()))


class _Servers:
    """The SMTP and Stripe servers the run talks to. By default each runs in a process of its own, as
    real servers do (in this process they took the GIL from the run they serve: the figures were not the
    app's); ``in_process`` keeps them here, as before, for comparison."""

    def __init__(self, in_process: bool, latency: float):
        self.in_process, self.latency = in_process, latency
        self.smtp = self.stripe = None
        self.cpu_ready: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # CPU seconds each server used while the run went on

    def _start(self, kind):
        if self.in_process:
            if kind == "smtp":
                from tests.messaging_servers import SmtpServer

                s = SmtpServer()
                s.start()
                return s, s.port
            from tests.stripe_servers import RecordingStripe

            s = RecordingStripe()
            s.late_answers, s.late_seconds = (10**9, self.latency) if self.latency else (0, 0)
            return s, s.url
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(kind, self.latency, theirs), daemon=True)
        proc.start()
        where, self.cpu_ready[kind] = mine.recv()
        return (proc, mine), where

    def start_smtp(self):
        self.smtp, port = self._start("smtp")
        return port

    def start_stripe(self):
        self.stripe, url = self._start("stripe")
        return url

    def stop(self) -> tuple[int | None, int | None]:
        """(e-mails that arrived with a PDF, charges the Stripe server made)."""
        out = []
        for s in (self.smtp, self.stripe):
            if s is None:
                out.append(None)
            elif self.in_process:
                out.append(sum(1 for a in s.arrived if any(p.get_content_type() == "application/pdf"
                                                          for p in a.message.iter_attachments()))
                           if hasattr(s, "arrived") else len(s.charges))
                s.stop() if hasattr(s, "stop") else s.close()
            else:
                proc, conn = s
                conn.send("stop")
                got, cpu_end = conn.recv()
                kind = "smtp" if s is self.smtp else "stripe"
                self.cpu[kind] = cpu_end - self.cpu_ready[kind]
                out.append(got)
                proc.join(10)
        return out[0], out[1]


def _cpu() -> tuple[float, float]:
    """(CPU seconds of this process, all threads; of its ended children, e.g. PDF workers)."""
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return _time.process_time(), kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    main()
