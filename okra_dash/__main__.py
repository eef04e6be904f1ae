import sys

from okra_dash.cli import main

sys.exit(main())
