"""Phone numbers in E.164: the rule lives in the kernel (core/phones.py), which every area's forms share."""

from ..core.phones import DEFAULT_REGION, to_e164  # noqa: F401 - the roster import's name for it
