"""`l3audit schedule add|list|remove|tick` and `l3audit jobs list|retry|cancel`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
import click

from audit.cli.clicklang import group
from audit.cli.options import ca_file_option, handle_errors, lang_option, nmap_option, timeout_option
from audit.cli.queue_options import alerts_option, redis_option
from audit.cli.store_cmd import db_option
from audit.i18n import t


@group(help="help.schedule")
def schedule() -> None:
    """Re-audits on a schedule: each firing is a round of queued jobs. Lịch đánh giá lại định kỳ."""


@schedule.command("add", help="help.schedule.add")
@click.argument("name")
@click.option("--inventory", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="help.schedule.add.inventory")
@click.option("--every", type=click.Choice(["day", "week", "month"]), required=True, help="help.schedule.add.every")
@click.option("--outlets", "outlets", multiple=True, default=("all",), show_default=True,
              help="help.schedule.add.outlets")
@click.option("--checklist", "checklist_ref", default="l3-starter", show_default=True, help="help.schedule.add.checklist_ref")
@click.option("--first", "first_at", default=None, help="help.schedule.add.first_at")
@click.option("--per-host", type=click.IntRange(1, 16), default=2, show_default=True,
              help="help.schedule.add.per_host")
@timeout_option
@ca_file_option
@nmap_option
@db_option
@lang_option
@handle_errors
def add(name: str, inventory: Path, every: str, outlets: tuple[str, ...], checklist_ref: str, first_at: str | None,
        per_host: int, timeout_seconds: float, ca_file: str | None, use_nmap: bool, db: str, lang: str) -> None:
    """Add schedule NAME: audit the chosen outlets of INVENTORY every day, week or month."""
    from audit.catalogue.loader import load_checklist
    from audit.department.store.store import Store
    from audit.schedule.schedules import add_schedule, parse_time

    checklist = load_checklist(checklist_ref)  # refused now rather than at 2 a.m.
    ref = checklist_ref if not Path(checklist_ref).exists() else str(Path(checklist_ref).resolve())
    when = parse_time(first_at) if first_at else dt.datetime.now(dt.timezone.utc)
    options = {"timeout_seconds": timeout_seconds, "per_host": per_host, "use_nmap": use_nmap,
               "ca_file": str(Path(ca_file).resolve()) if ca_file else None}
    with Store(db) as store:
        item = add_schedule(store, name, every, outlets, inventory, ref, when, options)
    click.echo(t("schedule.added", lang, name=item.name, every=t(f"schedule.every.{item.every}", lang),
                 outlets=" ".join(item.outlets), checklist=checklist.id, next_at=item.next_at))


@schedule.command("list", help="help.schedule.list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="help.option.as_json")
@lang_option
@handle_errors
def list_(db: str, as_json: bool, lang: str) -> None:
    """List schedules with their next firing."""
    from audit.department.store.store import Store
    from audit.schedule.schedules import list_schedules

    with Store(db) as store:
        items = list_schedules(store)
    if as_json:
        click.echo(json.dumps([vars(i) for i in items], ensure_ascii=False, indent=2))
        return
    for i in items:
        click.echo(t("schedule.line", lang, name=i.name, every=t(f"schedule.every.{i.every}", lang),
                     outlets=",".join(i.outlets), checklist=i.checklist, next_at=i.next_at,
                     last_round=i.last_round_id or "-"))


@schedule.command("remove", help="help.schedule.remove")
@click.argument("name")
@db_option
@lang_option
@handle_errors
def remove(name: str, db: str, lang: str) -> None:
    """Remove schedule NAME (its rounds and results are kept)."""
    from audit.department.store.store import Store
    from audit.schedule.schedules import remove_schedule

    with Store(db) as store:
        remove_schedule(store, name)
    click.echo(t("schedule.removed", lang, name=name))


@schedule.command("tick", help="help.schedule.tick")
@db_option
@redis_option
@click.option("--now", "now", default=None, help="help.schedule.tick.now")
@alerts_option
@lang_option
@handle_errors
def tick_(db: str, redis_url: str, now: str | None, alerts_file: str | None, lang: str) -> None:
    """Fire due schedules and send pending jobs once (what each worker does every --tick-seconds)."""
    from audit.schedule.queue import QueueSettings
    from audit.schedule.schedules import parse_time
    from audit.schedule.worker import tick

    settings = QueueSettings(redis_url=redis_url, db=db, alerts_file=alerts_file)
    rounds, sent, left = tick(settings, parse_time(now) if now else None)
    click.echo(t("schedule.ticked", lang, count=len(rounds), rounds=rounds, sent=sent, left=left))


@group(help="help.jobs")
def jobs() -> None:
    """Queued audits: list, retry, cancel. Các lượt đánh giá trong hàng đợi."""


@jobs.command("list", help="help.jobs.list")
@db_option
@click.option("--status", type=click.Choice(["pending", "queued", "running", "done", "failed", "cancelled"]))
@click.option("--round", "round_id", type=int, help="help.jobs.list.round_id")
@click.option("--json", "as_json", is_flag=True, help="help.option.as_json")
@lang_option
@handle_errors
def jobs_list(db: str, status: str | None, round_id: int | None, as_json: bool, lang: str) -> None:
    """List jobs, newest round first."""
    from audit.department.store.store import Store
    from audit.schedule.jobs import list_jobs

    with Store(db) as store:
        found = list_jobs(store, status, round_id)
    if as_json:
        click.echo(json.dumps([{k: v for k, v in vars(j).items() if k not in ("outlet", "options")}
                               for j in found], ensure_ascii=False, indent=2))
        return
    for j in found:
        state = "cancel_requested" if j.cancel_requested_at and j.status == "running" else j.status
        click.echo(t("jobs.line", lang, id=j.id, round=j.round_id, outlet=j.outlet_id,
                     status=t(f"jobs.status.{state}", lang), attempts=j.attempts, worker=j.worker or "-",
                     error=j.error or ""))


@jobs.command("retry", help="help.jobs.retry")
@click.argument("job_ids", type=int, nargs=-1, required=True)
@db_option
@lang_option
@handle_errors
def jobs_retry(job_ids: tuple[int, ...], db: str, lang: str) -> None:
    """Queue failed or cancelled jobs again (a worker's next tick sends them)."""
    from audit.department.store.store import Store
    from audit.schedule.jobs import retry_job

    with Store(db) as store:
        for job_id in job_ids:
            retry_job(store, job_id)
    click.echo(t("jobs.retried", lang, count=len(job_ids)))


@jobs.command("cancel", help="help.jobs.cancel")
@click.argument("job_ids", type=int, nargs=-1, required=True)
@db_option
@lang_option
@handle_errors
def jobs_cancel(job_ids: tuple[int, ...], db: str, lang: str) -> None:
    """Cancel jobs: at once when not running yet; a running one stops before its next probe."""
    from audit.department.store.store import Store
    from audit.schedule.jobs import cancel_job

    with Store(db) as store:
        for job_id in job_ids:
            click.echo(t(f"jobs.{cancel_job(store, job_id)}", lang, id=job_id))

