"""The bundle's entry point: ``app/__main__.py`` uses relative imports, so it cannot be the
script PyInstaller runs; this calls its ``main()``. ``freeze_support()`` first: the PDF helper
processes of a billing run (``app/documents/pdf_workers.py``, spawned) start this same program,
and in a frozen bundle it must run the worker they ask for instead of opening the app again."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.__main__ import main

    sys.exit(main())
