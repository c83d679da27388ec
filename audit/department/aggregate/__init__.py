"""The department's compliance picture: `build` computes it from the store; `html`, `csv`, `xlsx`
write it; `output` picks the writer by format.
"""
