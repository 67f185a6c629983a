"""`python -m pipeline` is the same as `bitext`."""
import sys

from .cli import main

sys.exit(main())
