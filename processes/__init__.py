"""The rules: one module per procedure. Pages and jobs call these; these call sheets/.

The error and issue types pages need are re-exported here, so a page never
imports the record layer.
"""

from sheets.errors import SheetError
from sheets.table import DataIssue

__all__ = ["DataIssue", "SheetError"]
