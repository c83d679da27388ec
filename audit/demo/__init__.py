"""The built-in demo: three outlets on 127.0.0.11-13 (good, bad, offline) with their certificates."""
