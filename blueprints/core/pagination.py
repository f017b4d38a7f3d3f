"""Pagination for every list: page number from the query string, a fixed page size from config."""

from flask import current_app, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import Select

from .extensions import db


class RowPagination(SelectPagination):
    """Items are whole result rows, for selects that name more than one column
    (`select(Mentee, mentor_name)`): Flask-SQLAlchemy's own keeps only the first column."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).unique())


def _page(query: Select, page: int, size: int):
    if len(query.column_descriptions) > 1:
        return RowPagination(select=query, session=db.session(), page=page, per_page=size, error_out=False)
    return db.paginate(query, page=page, per_page=size, error_out=False)


def paginate(query: Select, per_page: int | None = None):
    """Two queries whatever the page: the count and the rows. Out-of-range pages show the last one.

    A select of one entity pages through entities; a select of several columns through rows.
    """
    page = request.args.get("page", 1, type=int) or 1
    size = per_page or current_app.config["PER_PAGE"]
    result = _page(query, max(page, 1), size)
    if result.page > 1 and not result.items and result.pages:
        result = _page(query, result.pages, size)
    return result
