"""Re-audits on a schedule, run as jobs on a task queue (Dramatiq with Redis), and alerts on change.

The results database is the record: schedules, the jobs each firing creates (one per outlet, all in
one round) and their states live there, next to the results they produce. Redis only carries job ids
to workers and the per-host slots that keep every worker on every machine polite to one server.
Why Dramatiq: docs/scheduling.md.
"""
