"""The URL converter for database ids: ``<id:household_id>``.

It accepts 1..MAX_ID only, so an id that would overflow an INTEGER column on PostgreSQL
is a 404 during routing and no view or service has to check it.
"""

from werkzeug.routing import IntegerConverter

from jobmatch.db import MAX_ID


class IdConverter(IntegerConverter):
    """A whole number from 1 to MAX_ID."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app) -> None:
    app.url_map.converters["id"] = IdConverter
