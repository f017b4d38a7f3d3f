"""Calendar, visits, cadence planning, clashes, attendance, .ics feeds."""
