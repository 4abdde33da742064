"""Synthetic RSS exports calibrated to the published study (issue 3); see generate.py."""
