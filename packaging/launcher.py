"""Entry point of the frozen program (PyInstaller runs this file as __main__)."""

from wizard.cli import main

raise SystemExit(main())
