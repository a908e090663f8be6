"""The main file NiceGUI's `user` fixture runs: the pages over the workbook a test opened.

The command line stays in app.py; this file only builds pages, so pytest's own
arguments never reach argparse.
"""

from nicegui import ui

from pages import register_pages

register_pages()
ui.run(storage_secret="flowsheet tests")
