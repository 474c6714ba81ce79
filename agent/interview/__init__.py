"""The interviewer: the engine and how it picks what to ask next."""
