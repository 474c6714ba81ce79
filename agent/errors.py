"""The few exception types a user can see. Each carries a message meant to be printed as is."""

from __future__ import annotations


class VivaError(Exception):
    """Base for errors shown to the user as one clear message (no traceback)."""

    exit_code = 1


class UsageError(VivaError):
    """The user asked for something that cannot be done as asked (bad argument, unknown id)."""

    exit_code = 2


class ConfigError(VivaError):
    """The config file or an environment variable is malformed: message is `file:line: problem`."""

    exit_code = 2


class RubricError(VivaError):
    """One or more rubric/track files are invalid. `problems` holds `path:line: field: message`."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ProviderError(VivaError):
    """An LLM call failed for good. Names the provider URL, the model and the cause."""

    def __init__(
        self,
        base_url: str,
        model: str,
        cause: str,
        *,
        attempts: int = 1,
        last_output: str | None = None,
        status: int | None = None,
    ):
        self.base_url = base_url
        self.model = model
        self.cause = cause
        self.attempts = attempts
        self.last_output = last_output
        self.status = status
        """The HTTP status the server answered with, when it answered with an error."""
        super().__init__(f"LLM provider {base_url} (model {model!r}) failed: {cause}")


class AudioError(VivaError):
    """Audio capture is not possible (no device, PortAudio missing, device error). Offers text mode."""

    exit_code = 2


class MediaError(VivaError):
    """An audio/video file cannot be read (corrupt, empty, unsupported)."""

    exit_code = 2
