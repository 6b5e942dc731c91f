"""The bundle's entry point: ``app/__main__.py`` uses relative imports, so it cannot be the
script PyInstaller runs; this calls its ``main()``."""
import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
