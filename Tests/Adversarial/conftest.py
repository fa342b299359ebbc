import pathlib
import sys

# harness.py and setups.py sit beside the tests.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import pytest  # noqa: E402

import harness  # noqa: E402


@pytest.fixture(scope="session")
def rnnlab():
    """The binary under test (RNNLAB, else .build/debug or .build/release)."""
    binary = harness.rnnlab_binary()
    if not binary:
        pytest.fail("build rnnlab first (swift build), or set RNNLAB to the binary")
    return binary
