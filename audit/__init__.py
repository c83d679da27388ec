"""l3audit: level-3 information-security audits for Vietnamese press outlets."""

__version__ = "0.1.0"
