"""Errors of the rules layer: a step the procedure does not allow, said so a user can act."""

from __future__ import annotations


class ProcessError(Exception):
    """A rule refused an action; nothing was changed."""


class PermissionDenied(ProcessError):
    """The user's role may not do this."""
