import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The capstone's tests (and the app under test) train on the tiny-Shakespeare text that
# ships in data/. $FORMULA_LAB_CORPUS, when set, points them at another copy instead.
