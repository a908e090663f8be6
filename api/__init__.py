"""Flowsheet's HTTP API, /api/v1: every tab and every declared step, derived from the specifications.

    GET    /api/v1/<tab>                 rows, filtered on any column, with limit/offset
    GET    /api/v1/<tab>/<id>            one row
    POST   /api/v1/<tab>                 a new record through the procedure's entry rule (else the grid's add)
    PATCH  /api/v1/<tab>/<id>            the grid's edit, with its rules (workflow cells refused)
    DELETE /api/v1/<tab>/<id>            the grid's delete, with its rules
    POST   /api/v1/<tab>/<id>/<step>     a declared step, its inputs as JSON
    GET    /api/v1/openapi.json          the document; /api/v1/docs shows it (after logging in)

Bearer tokens per login (`python app.py user token NAME`), the same roles and
the same enabled check as the web app. Routes are plain functions, so FastAPI
runs them in its worker threads: no read or write of the record ever blocks
the event loop the pages share.
"""

from api.routes import register

__all__ = ["register"]
