"""NiceGUI pages: forms, lists and dashboards. Pages call processes, never sheets directly."""

from pages import (
    aftersales,
    alerts,
    auth,
    channels,
    dashboard,
    export,
    handbook,
    inventory,
    issues,
    language,
    master_data,
    orders,
    planning,
    procurement,
    review,
    scan_field,
    service,
    settings,
    suggestions,
    tab_view,
    users,
)


def register_pages() -> None:
    """Register every page's routes (called from the entry point, and by the test main file)."""
    language.install()
    scan_field.register()
    auth.register()
    dashboard.register()
    tab_view.register()
    issues.register()
    users.register()
    channels.register()
    procurement.register()
    planning.register()
    inventory.register()
    master_data.register()
    orders.register()
    service.register()
    aftersales.register()
    alerts.register()
    settings.register()
    export.register()
    handbook.register()
    review.register()
    suggestions.register()
