import sys

from tiktok_claims.cli import main

sys.exit(main())
