"""Pagination for every list: page number from the query string, a fixed page size from config."""

from flask import current_app
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from . import limits
from .extensions import db


class CountedPagination(SelectPagination):
    """Counts with the list's own `count` statement when it gives one."""

    def _query_count(self) -> int:
        if self._query_args.get("count_select") is None:
            return super()._query_count()
        return self._query_args["session"].execute(self._query_args["count_select"]).scalar()


class RowPagination(CountedPagination):
    """Pages of whole rows, for lists that select an entity plus computed columns."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).unique().all())


def paginate(query: Select, per_page: int | None = None, count: Select | None = None):
    """Two queries whatever the page: the count and the rows. Out-of-range pages show the last one.

    A select of one entity pages entities; a select of several columns pages rows. `count`: a statement giving the
    same number of rows more cheaply (the list's conditions without the joins that only add columns to a row).
    """
    page = limits.page_arg()
    size = per_page or current_app.config["PER_PAGE"]
    pagination_class = CountedPagination if len(query.column_descriptions) == 1 else RowPagination

    def fetch(number: int):
        return pagination_class(select=query, count_select=count, session=db.session(), page=number, per_page=size, error_out=False)

    result = fetch(page)
    if result.page > 1 and not result.items and result.pages:
        result = fetch(result.pages)
    return result


class ListPagination(Pagination):
    """Pages of a list already in memory (rows sorted on what only the whole list tells, as the equipment matrix's)."""

    def _query_items(self) -> list:
        return self._query_args["rows"][self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate_list(rows: list, per_page: int):
    """A page of `rows` by the page number in the query string, as `paginate` pages a query (no query run)."""
    result = ListPagination(rows=rows, page=limits.page_arg(), per_page=per_page, error_out=False)
    if result.page > 1 and not result.items and result.pages:
        result = ListPagination(rows=rows, page=result.pages, per_page=per_page, error_out=False)
    return result
