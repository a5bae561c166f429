import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The capstone's tests (and the app under test) read the standard tiny-Shakespeare text.
# Use $FORMULA_LAB_CORPUS, else the shared copy beside the repository, else the cached
# copy under data/ (which the app downloads when online).
if not os.environ.get("FORMULA_LAB_CORPUS"):
    for candidate in (ROOT.parent / "shared" / "data" / "tinyshakespeare.txt",
                      ROOT / "data" / "tinyshakespeare.txt"):
        if candidate.is_file():
            os.environ["FORMULA_LAB_CORPUS"] = str(candidate.resolve())
            break
