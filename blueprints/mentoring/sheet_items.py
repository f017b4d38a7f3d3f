"""Each feedback sheet's count of action items and of those the mentee marked done, kept on the sheet
(feedback.item_count, feedback.closed_item_count) whenever a flush adds, moves, deletes or marks an action item, so
the coordinator's engagement tile sums two columns of the sheets it finds rather than probing the action items of
each (issue 23: 8,832 sheets and two probes each at scale 10)."""

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session

from ..core.extensions import db
from ..core.maintained import changed
from .models import ActionItem, Feedback

CLOSED = "done"  # the mentee's own word that an item is done (own_services.report_progress)


def refresh_item_counts(feedback_ids=None, session: Session | None = None, locked: bool = False) -> None:
    """Recount the action items of these sheets (all of them when None) from the action items.

    On PostgreSQL the sheets' rows are locked first (in id order; `locked`: the caller did), so two transactions
    changing items of the same sheet wait for each other and the second counts both changes, never from a stale read."""
    session = session or db.session
    feedback = Feedback.__table__
    items = ActionItem.__table__
    statement = update(feedback).values(
        item_count=select(func.count(items.c.id)).where(items.c.feedback_id == feedback.c.id).scalar_subquery(),
        closed_item_count=select(func.count(items.c.id))
        .where(items.c.feedback_id == feedback.c.id, items.c.mentee_status == CLOSED).scalar_subquery(),
        updated_at=feedback.c.updated_at,  # a count is not an edit of the sheet: its onupdate stays out
    )
    if feedback_ids is not None:
        feedback_ids = sorted(set(feedback_ids))
        if not feedback_ids:
            return
        if not locked:
            _lock(session, feedback_ids)
        statement = statement.where(feedback.c.id.in_(feedback_ids))
    session.execute(statement, execution_options={"synchronize_session": False})
    _expire_counts(session, feedback_ids)


def _expire_counts(session: Session, feedback_ids) -> None:
    """The loaded sheets read their new counts when next asked."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Feedback) and (feedback_ids is None or obj.id in feedback_ids):
            session.expire(obj, ["item_count", "closed_item_count"])


def _lock(session: Session, feedback_ids: list[int]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Feedback.__table__.c.id).where(Feedback.__table__.c.id.in_(feedback_ids))
                        .order_by(Feedback.__table__.c.id).with_for_update())


def _sheets_touched(session: Session) -> set[int]:
    """The sheets (ids) whose action items this flush adds, moves, deletes or marks, before and after a move."""
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, ActionItem):
            continue
        state = inspect(obj)
        if obj in session.dirty and not changed(obj, "feedback_id", "mentee_status", "feedback"):
            continue
        sheet = state.dict.get("feedback")  # as set on the item, never loaded here
        ids.update(i for i in (obj.feedback_id, sheet.id if sheet is not None else None) if i is not None)
        ids.update(i for i in state.attrs.feedback_id.history.deleted or () if i is not None)
    return ids


@event.listens_for(Session, "before_flush")
def _lock_sheets(session: Session, _context, _instances) -> None:
    """The sheets are locked before their items are written, in the same order everywhere (sheet, then item), so a
    mentor saving a sheet and its mentee marking one of its items wait for each other rather than deadlock."""
    ids = _sheets_touched(session)
    if ids:
        _lock(session, sorted(ids))


@event.listens_for(Session, "after_flush")
def _keep_item_counts(session: Session, _context) -> None:
    """Whatever wrote them (a service, the demo data, a test's factory), flushed action items recount their sheets in
    the same transaction (locked by _lock_sheets, or new in this flush and seen by no one else)."""
    ids = _sheets_touched(session)
    if ids:
        refresh_item_counts(ids, session, locked=True)
        session.info.setdefault("recounted_sheets", set()).update(ids)


@event.listens_for(Session, "after_flush_postexec")
def _expire_recounted(session: Session, _context) -> None:
    """Again once the flush has settled the sheets it wrote (which would otherwise keep the counts they were sent with)."""
    ids = session.info.pop("recounted_sheets", None)
    if ids:
        _expire_counts(session, ids)
