"""Hospital pages: the list, a hospital's page, adding and editing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.clock import today
from ...core.errors import saved
from ...core.extensions import db
from ...core.forms import EmptyForm, select_choices
from ...core.htmx import render_page_or_fragment
from ...core.pagination import paginate
from ...core.permissions import allow, user
from ...core.programme import programme_settings
from ...core.roles import COORDINATOR, HOSPITAL_ADMIN, MENTOR
from ...core.slots import slots
from ..forms import HospitalForm
from ..models import Team
from ..queries import choices as choice_queries
from ..queries import hospitals as hospital_queries
from ..queries import mentees as mentee_queries
from ..queries import transfers as transfer_queries
from ..services import hospitals as hospital_services
from . import bp

HOSPITAL_READERS = (COORDINATOR, HOSPITAL_ADMIN, MENTOR)


@bp.get("/hospitals/")
@allow(*HOSPITAL_READERS)
def hospitals():
    search = request.args.get("q", "").strip()
    province = request.args.get("province", "").strip()
    page = paginate(hospital_queries.hospitals_query(user(), search, province))
    ids = [h.id for h in page.items]
    return render_page_or_fragment(
        "people/hospitals.html", "people/_hospitals_table.html",
        page=page, q=search, province=province, provinces=hospital_queries.provinces(user()),
        mentee_counts=hospital_queries.active_mentee_counts(ids), turnover=hospital_queries.turnover(today(), ids),
        can_manage=current_user.role == COORDINATOR,
    )


@bp.get("/hospitals/<int:hospital_id>")
@allow(*HOSPITAL_READERS)
def hospital(hospital_id: int):
    hospital = hospital_queries.get_hospital_or_404(hospital_id, user())
    day = today()
    transfers_in = db.session.scalars(transfer_queries.hospital_transfers(hospital.id, "in")).all()
    transfers_out = db.session.scalars(transfer_queries.hospital_transfers(hospital.id, "out")).all()
    absences = db.session.scalars(mentee_queries.upcoming_absences(hospital.id, day)).all()
    shown = [t.mentee_id for t in (*transfers_in, *transfers_out)] + [a.mentee_id for a in absences]
    return render_template(
        "people/hospital.html", hospital=hospital, departments=hospital_queries.mentees_by_department(hospital),
        mentors=[m for m in hospital.team.mentors if m.active] if hospital.team else [],
        transfers_in=transfers_in, transfers_out=transfers_out, absences=absences,
        turnover=hospital_queries.turnover(day, [hospital.id]).get(hospital.id, 0),
        readable_mentees=mentee_queries.readable_mentee_ids(user(), shown),
        **slots.context("people.hospital", hospital=hospital, user=user(), day=day),  # visits: the cadence
        can_manage=current_user.role == COORDINATOR,
        cancellable=transfer_queries.cancellable_transfers(user(), transfers_out), empty_form=EmptyForm(),
        programme_cadence=programme_settings().cadence_days,
    )


def _hospital_form(form: HospitalForm) -> HospitalForm:
    form.department_ids.choices = choice_queries.named_choices(choice_queries.departments())
    form.team_id.choices = select_choices(choice_queries.choices(Team, Team.name), blank=_("— no team yet —"))
    return form


def _hospital_values(form: HospitalForm) -> dict:
    return {"name": form.name.data, "district": form.district.data, "province": form.province.data,
            "department_ids": form.department_ids.data, "team_id": form.team_id.data, "cadence_days": form.cadence_days.data}


@bp.route("/hospitals/new", methods=["GET", "POST"])
@allow(COORDINATOR)
def hospital_new():
    form = _hospital_form(HospitalForm())
    if request.method == "GET":
        form.department_ids.data = [value for value, _label in form.department_ids.choices]
    if form.validate_on_submit():
        if created := saved(form, lambda: hospital_services.create_hospital(**_hospital_values(form))):
            hospital = created.result
            flash(_("%(name)s added.", name=hospital.name), "success")
            return redirect(url_for("people.hospital", hospital_id=hospital.id))
    return render_template("people/hospital_form.html", form=form, hospital=None,
                           provinces=hospital_queries.provinces(user())), 422 if form.errors else 200


@bp.route("/hospitals/<int:hospital_id>/edit", methods=["GET", "POST"])
@allow(COORDINATOR)
def hospital_edit(hospital_id: int):
    hospital = hospital_queries.get_hospital_or_404(hospital_id, user(), action="edit")
    form = _hospital_form(HospitalForm(obj=hospital))
    if request.method == "GET":
        form.department_ids.data = [d.id for d in hospital.departments]
    if form.validate_on_submit():
        if saved(form, lambda: hospital_services.update_hospital(hospital, **_hospital_values(form)), _("Saved.")):
            return redirect(url_for("people.hospital", hospital_id=hospital.id))
    return render_template("people/hospital_form.html", form=form, hospital=hospital,
                           provinces=hospital_queries.provinces(user())), 422 if form.errors else 200
