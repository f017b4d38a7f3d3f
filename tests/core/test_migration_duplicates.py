"""The migration adding the one-pending-transfer and one-open-dated-check indexes first resolves the rows parallel
requests doubled before it: the extra pending moves are cancelled (with an audit row), the extra open checks merged."""

from datetime import date

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, insert, select, table

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from blueprints.equipment.models import EquipmentCheck, EquipmentCount, EquipmentItem, EquipmentStatus
from blueprints.people.models import Hospital, Transfer
from tests.factories import department, profession

REVISION = "7c4e2b9a1f30"


def test_the_upgrade_cancels_extra_pending_transfers_and_merges_duplicate_open_checks(app):
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    # The defaults are seeded at head: seeding writes columns later migrations add (a skill area's translations).
    midwife, maternity = profession("midwife").id, department("maternity").id
    db.session.commit()
    db.session.remove()
    downgrade(revision=script.get_revision(REVISION).down_revision)
    try:
        # Core inserts of only the columns the tables had then (later migrations add columns the models know).
        nemba_id = db.session.execute(insert(Hospital.__table__).values(
            name="Nemba", district="Gakenke", province="Northern Province")).inserted_primary_key[0]
        mentee_then = table("mentee", *(column(name) for name in (
            "id", "full_name", "profession_id", "hospital_id", "department_id", "status", "phone", "preferred_language",
            "version")))  # the model's Python defaults would name later columns (its e-mail address)
        mentee_id = db.session.execute(insert(mentee_then).values(
            full_name="Aline Uwase", profession_id=midwife, hospital_id=nemba_id,
            department_id=maternity, status="active", phone="", preferred_language="en", version=1)
            .returning(mentee_then.c.id)).scalar_one()
        for on in (date(2026, 7, 1), date(2026, 6, 1), date(2026, 6, 1)):  # only the columns the table had then
            db.session.execute(insert(Transfer.__table__).values(mentee_id=mentee_id, kind="out_of_programme", effective_date=on,
                                                                  from_hospital_id=nemba_id))
        monitor, scale = (EquipmentItem(ward="labour", name=name, required_quantity=2) for name in ("Monitor", "Scale"))
        first, second = (EquipmentCheck(hospital_id=nemba_id, check_date=date(2026, 5, 1)) for _ in range(2))
        db.session.add_all([monitor, scale, first, second])
        db.session.flush()
        # Core inserts: the ORM's flush hook would refresh tables a later migration adds (the gap changes).
        db.session.execute(insert(EquipmentCount.__table__), [
            {"check_id": first.id, "item_id": monitor.id, "available": 2, "functional": 2, "reason": None},
            {"check_id": second.id, "item_id": monitor.id, "available": 2, "functional": 1, "reason": "broken"},
            {"check_id": second.id, "item_id": scale.id, "available": 1, "functional": 1, "reason": None}])
        db.session.commit()
        ids = {"first": first.id, "mentee": mentee_id, "monitor": monitor.id, "scale": scale.id}
        db.session.remove()
        upgrade(revision=REVISION)
        db.session.remove()

        transfers = db.session.execute(select(Transfer.id, Transfer.effective_date, Transfer.cancelled_at).order_by(Transfer.id)).all()
        assert [(t.effective_date, t.cancelled_at is None) for t in transfers] == [
            (date(2026, 7, 1), False), (date(2026, 6, 1), True), (date(2026, 6, 1), False)]
        assert set(db.session.scalars(select(AuditEvent.object_id).where(AuditEvent.action == "transfer.cancel"))) == {
            transfers[0].id, transfers[2].id}

        [check] = db.session.scalars(select(EquipmentCheck)).all()
        assert check.id == ids["first"]
        counts = {c.item_id: (c.available, c.functional, c.reason)
                  for c in db.session.scalars(select(EquipmentCount).where(EquipmentCount.check_id == check.id))}
        assert counts == {ids["monitor"]: (2, 1, "broken"), ids["scale"]: (1, 1, None)}
        status = {s.item_id: (s.functional, s.gap_checks) for s in db.session.scalars(select(EquipmentStatus))}
        assert status == {ids["monitor"]: (1, 1), ids["scale"]: (1, 1)}
    finally:
        db.session.remove()
        upgrade()
