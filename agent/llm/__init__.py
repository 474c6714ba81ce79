"""The one way Viva talks to an LLM: presets, provider resolution, client, structured output."""
