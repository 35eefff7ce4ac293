"""A local fake of the ChIP-Atlas Diff Analysis API: same HTTP protocol, simulated results."""

from chromdiff.fakeapi.scenario import Scenario
from chromdiff.fakeapi.server import FakeChipAtlas

__all__ = ["FakeChipAtlas", "Scenario"]
