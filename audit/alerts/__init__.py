"""Alerts when an outlet slips: findings in a stored result, their open/fixed state, and delivery.

`findings` reads a result document (no I/O); `state` opens an alert the first time a finding is
seen and closes it when a later result shows it fixed, so each finding alerts once until fixed;
`delivery` sends open, unsent alerts by e-mail (SMTP with STARTTLS, bilingual) and by webhook
(JSON signed with HMAC-SHA256), immediately or as a daily digest, within a rate limit.
"""
