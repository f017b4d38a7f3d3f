"""Pagination for every list: page number from the query string, a fixed page size from config."""

from flask import current_app, request
from sqlalchemy import Select

from .extensions import db


def paginate(query: Select, per_page: int | None = None):
    """Two queries whatever the page: the count and the rows. Out-of-range pages show the last one."""
    page = request.args.get("page", 1, type=int) or 1
    size = per_page or current_app.config["PER_PAGE"]
    result = db.paginate(query, page=max(page, 1), per_page=size, error_out=False)
    if result.page > 1 and not result.items and result.pages:
        result = db.paginate(query, page=result.pages, per_page=size, error_out=False)
    return result
