"""Self-assessment: an outlet's answers (YAML, workbook, interactive questionnaire), waivers, and
how both merge with probe results into one status per requirement.
"""
