"""The department's side: the results store, signed bundles and keys, round-to-round diffs, and the
aggregate dashboard (one module per output format).
"""
