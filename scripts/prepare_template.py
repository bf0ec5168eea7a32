"""Prepare the shipped workbook template with Papermill (data/prepared/), after changing it.

    .venv/bin/python scripts/prepare_template.py

Run it when notebooks/workbook.ipynb, widgets/workflows/workbook_template.py or
the installed Papermill / nbformat change (tests/test_generate.py says so).
A fresh home's first ``munbook generate`` then reads this file instead of
importing Papermill; without it (or with other versions installed), Papermill
prepares the template in the home as before.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widgets import settings
from widgets.workflows import workbook_template

if __name__ == "__main__":
    file = workbook_template.ship(settings.WORKBOOK_TEMPLATE, settings.PREPARED_TEMPLATES_DIR)
    print(f"wrote {file}")
