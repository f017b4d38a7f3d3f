"""Writes for people and places, one module per resource: each validates, changes, audits and flushes;
the request commits once."""
