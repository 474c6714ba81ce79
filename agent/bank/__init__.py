"""The question bank: rubric and track models, loading, validation, derived rubrics."""
