"""`python -m matching match --workers F --vacancies F --out F`."""
import sys

from matching.cli import main

sys.exit(main())
