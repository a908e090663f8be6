"""The main file NiceGUI's `user` fixture runs: the pages over the workbook a test opened.

The command line stays in app.py; this file only builds pages, so pytest's own
arguments never reach argparse.
"""

from nicegui import ui

import api
from pages import register_pages

register_pages()
api.register()
ui.run(storage_secret="flowsheet tests")
