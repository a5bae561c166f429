import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The capstone's tests (and the app under test) train on the tiny-Shakespeare text that
# ships in data/. $FORMULA_LAB_CORPUS, when set, points them at another copy instead.

# Speech made during tests goes to a fresh cache, and the app's background thread that
# speaks every chapter's lines ahead of time stays off unless a test turns it on.
import os  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("FORMULA_LAB_VOICE_CACHE", tempfile.mkdtemp(prefix="fl-voice-cache-"))
os.environ.setdefault("FORMULA_LAB_VOICE_PRECOMPUTE", "0")
