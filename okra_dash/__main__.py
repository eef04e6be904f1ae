import sys

from okra_dash.cli.main import main

sys.exit(main())
