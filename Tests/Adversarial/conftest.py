import pathlib
import sys

# harness.py and setups.py sit beside the tests.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
