"""What Viva understood of a resume: the candidate's projects, each fact with its source line."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    role: str = ""
    technologies: list[str] = Field(default_factory=list)
    metrics: list[str] = Field(default_factory=list)
    """Bullets that carry a number: a result, a scale, a cost."""
    claims: list[str] = Field(default_factory=list)
    """Every bullet of the project, as written."""
    source_lines: list[int] = Field(default_factory=list)
    """1-based lines of the source file the project was read from."""

    def richness(self) -> int:
        """How much there is to ask about (the deep dive picks the richest project)."""
        return 2 * len(self.metrics) + len(self.technologies) + len(self.claims)


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = ""
    """The file the projects were read from (its name only)."""
    projects: list[Project] = Field(default_factory=list)

    def main_project(self) -> Project | None:
        """The project the deep dive asks about: the richest, the earliest listed on a tie."""
        if not self.projects:
            return None
        return max(self.projects, key=lambda p: (p.richness(), -self.projects.index(p)))
