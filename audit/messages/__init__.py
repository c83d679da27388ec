"""The gettext message catalogue of l3audit: one `.po` file per language, compiled to `.mo`.

Layout is gettext's own (`<lang>/LC_MESSAGES/l3audit.po` and `.mo`), so that the standard
library's `gettext` loads the compiled files at run time with no third-party import; Babel is used
only when the catalogue is edited (`audit.messages.build`: import pending entries, compile, check).
Message ids are symbolic keys (`status.pass`, `reportview.toc`, `dashboard.title`); English is the
fallback when a Vietnamese text is missing.
"""
