"""gunicorn's logger with the calendar feed tokens masked in its access and error logs (core/logs.py).
Named by gunicorn.conf.py and imported only by gunicorn, so the app itself never loads gunicorn."""

from gunicorn.glogging import Logger

from .logs import mask_filter


class MaskingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)  # also run again when gunicorn reopens its logs (HUP): addFilter keeps one copy
        self.access_log.addFilter(mask_filter)
        self.error_log.addFilter(mask_filter)
