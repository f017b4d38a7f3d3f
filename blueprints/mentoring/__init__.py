"""Skills, self-assessments, feedback, action items, reflections and CPD."""
