"""The app's screens, one module each (the interview screen in five)."""
