"""The roles an account can have. In the kernel because every area checks them and none owns them."""

SYSADMIN = "sysadmin"
COORDINATOR = "coordinator"
HOSPITAL_ADMIN = "hospital_admin"
MENTOR = "mentor"
MENTEE = "mentee"  # signs in as one mentee record, by an invitation (people/services/invitations.py)
ROLES = (SYSADMIN, COORDINATOR, HOSPITAL_ADMIN, MENTOR, MENTEE)
