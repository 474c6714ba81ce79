"""The Textual app. Import `agent.tui.app.run_app` lazily: it pulls in Textual."""
