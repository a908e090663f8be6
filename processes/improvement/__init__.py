"""Improving the procedures over time: the suggestion box's specification (its rules: processes/suggestions.py)."""
