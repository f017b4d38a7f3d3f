"""gunicorn settings shared by `make run` and README's Production command (both pass --config gunicorn.conf.py):
the access and error logs show a calendar feed's path with its secret token masked (/calendar/***.ics)."""

logger_class = "blueprints.core.gunicorn_logs.MaskingLogger"
