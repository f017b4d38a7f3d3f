"""Pagination for every list: page number from the query string, a fixed page size from config."""

from flask import current_app
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select

from . import limits
from .extensions import db


class RowPagination(SelectPagination):
    """Pages of whole rows, for lists that select an entity plus computed columns."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).unique().all())


def paginate(query: Select, per_page: int | None = None):
    """Two queries whatever the page: the count and the rows. Out-of-range pages show the last one.

    A select of one entity pages entities; a select of several columns pages rows.
    """
    page = limits.page_arg()
    size = per_page or current_app.config["PER_PAGE"]
    pagination_class = SelectPagination if len(query.column_descriptions) == 1 else RowPagination

    def fetch(number: int):
        return pagination_class(select=query, session=db.session(), page=number, per_page=size, error_out=False)

    result = fetch(page)
    if result.page > 1 and not result.items and result.pages:
        result = fetch(result.pages)
    return result
