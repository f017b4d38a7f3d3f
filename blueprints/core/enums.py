"""Statuses and kinds that carry their words: each member is the string stored in the database, with
the label shown to people and the badge style it is drawn with, so no page or form keeps its own copy."""

from enum import StrEnum
from functools import partial

from sqlalchemy import String, TypeDecorator, event
from sqlalchemy.orm import Mapper

BADGE_STYLES = ("ok", "due", "overdue", "info", "muted")  # the .badge modifiers in static/css/app.css


class LabelledEnum(StrEnum):
    """A `StrEnum` whose members are declared as `NAME = "stored value", _l("Label"), "badge style"`.

    A `str` subclass, so members equal, hash and print as their stored value: queries, forms, URLs and
    audit snapshots keep working with plain strings.
    """

    def __new__(cls, value: str, label, badge: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.badge = badge
        return member

    @classmethod
    def labels(cls) -> dict[str, object]:
        """Stored value -> label, in declaration order (filters and select fields)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def texts(cls) -> dict[str, str]:
        """Stored value -> label in the current language, each translated now: a table of many rows then reads a dict
        rather than the catalogue once a row (a member's `label` is lazy)."""
        return {member.value: str(member.label) for member in cls}

    @classmethod
    def check(cls, column: str, members=None) -> str:
        """The SQL of a CHECK constraint allowing `members` (all by default) in `column`."""
        values = ", ".join(f"'{member.value}'" for member in (members or cls))
        return f"{column} IN ({values})"


class EnumString(TypeDecorator):
    """A plain string column whose values are read back as members of `enum` (so they bring their
    label and badge); the schema is the same VARCHAR as `String(length)`."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[LabelledEnum], length: int):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect):
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return self.enum._value2member_map_.get(value, value)  # a dict look-up: lists and CSVs read thousands


def _as_member(enum: type[LabelledEnum], _target, value, _old, _initiator):
    return enum._value2member_map_.get(value, value)  # an unknown string is left for the CHECK constraint to refuse


@event.listens_for(Mapper, "mapper_configured")
def _assign_members(mapper, _class) -> None:
    """A string assigned to an `EnumString` attribute becomes its member at once, so the page rendered in the
    same request (before any reload) already has the label and badge."""
    for prop in mapper.column_attrs:
        column_type = getattr(prop.columns[0], "type", None)
        if isinstance(column_type, EnumString) and prop.parent is mapper:
            event.listen(prop.class_attribute, "set", partial(_as_member, column_type.enum), retval=True)
