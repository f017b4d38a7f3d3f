"""Users, roles, login and logout, account pages."""
