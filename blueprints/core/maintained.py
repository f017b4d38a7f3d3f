"""Tables kept from other tables by flush listeners, in the flush's own transaction (the equipment status, the writing
counts per visit, each sheet's item counts): what a flush changed on an object, which each listener asks of the rows
it follows."""

from sqlalchemy import inspect


def changed(obj, *names: str) -> bool:
    """Whether this flush changes any of the object's attributes `names`."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)
