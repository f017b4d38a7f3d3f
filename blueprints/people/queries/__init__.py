"""Reads for people and places, one module per resource; each module's selects carry its scoping."""
