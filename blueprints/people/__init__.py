"""Hospitals, teams, mentors, mentees and assignments."""
