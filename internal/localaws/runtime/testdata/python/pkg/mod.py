"""The test handler, imported as a module inside a package."""
from app import handler  # noqa: F401
