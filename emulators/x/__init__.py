"""An emulator of the X API v2, faithful to the OpenAPI document 2.166, for tests and the demo."""

from emulators.x.emulator import XEmulator
from emulators.x.traffic import TrafficSource

__all__ = ["TrafficSource", "XEmulator"]
