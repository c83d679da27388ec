"""The portal (`l3audit serve`): outlets, officers and the department in one web application.

Flask with its well-kept extensions for what must not be written by hand: Flask-Login (sessions and
logins), Flask-WTF (CSRF on every form), Flask-Babel (locale selection); Argon2id hashes
(argon2-cffi), TOTP (pyotp); served by gunicorn. One blueprint per role's area; see docs/portal.md.
"""
