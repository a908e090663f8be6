"""NiceGUI pages: forms, lists and dashboards. Pages call processes, never sheets directly."""

from pages import dashboard, issues, tab_view


def register_pages() -> None:
    """Register every page's routes (called from the entry point, and by the test main file)."""
    dashboard.register()
    tab_view.register()
    issues.register()
