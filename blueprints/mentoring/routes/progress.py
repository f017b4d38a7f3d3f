"""A mentee's "My progress" (issue 22): their ratings over visits per skill, CPD hours per year and the certificate."""

from flask import render_template
from flask_babel import lazy_gettext as _l

from ...core.navigation import menu
from ...core.permissions import allow, user
from ...core.roles import MENTEE
from .. import own_queries
from . import bp

menu.add("mentoring.my_progress", _l("My progress"), 66)


@bp.get("/me/progress")
@allow(MENTEE)
def my_progress():
    return render_template("mentoring/my_progress.html", progress=own_queries.my_progress(user()))
