"""What `flask check-deploy` refuses: the settings that make a production server unsafe."""

from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

WEAK_KEYS = {"", "dev", "secret", "changeme", "test", "development", "secret-key", "test-secret-key-not-for-production"}
NETWORK_PREFIXES = ("/mnt/", "/net/", "/media/", "//", "\\\\")


def deployment_problems(app: Flask) -> list[str]:
    config = app.config
    problems = []
    if app.debug or config.get("DEBUG"):
        problems.append("debug mode is on (it exposes an interactive debugger)")
    if config.get("TESTING"):
        problems.append("TESTING is on")
    key = str(config.get("SECRET_KEY") or "")
    if key.lower() in WEAK_KEYS or len(key) < 32:
        problems.append("SECRET_KEY is missing, a default, or shorter than 32 characters")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: session cookies would travel over plain HTTP")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        problems.append("SESSION_COOKIE_HTTPONLY is off")
    if config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        problems.append("SESSION_COOKIE_SAMESITE should be Lax or Strict")
    if not config.get("WTF_CSRF_ENABLED", True):
        problems.append("CSRF protection is off")
    url = make_url(config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        path = url.database or ""
        if path.startswith(NETWORK_PREFIXES) or _on_network_filesystem(path):
            problems.append("the SQLite file is on a network path; SQLite locking is unsafe there (use PostgreSQL)")
    return problems


def _on_network_filesystem(path: str) -> bool:
    """True when the file's directory is mounted from NFS, CIFS/SMB or another network filesystem."""
    try:
        directory = str(Path(path).resolve().parent)
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    best, kind = "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) >= 3 and directory.startswith(fields[1]) and len(fields[1]) > len(best):
            best, kind = fields[1], fields[2]
    return kind in {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p"}
