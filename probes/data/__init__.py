"""Data files the probes read (risky-service catalogue and the like)."""
