"""Entry point of the built program (PyInstaller runs this file; from source use ``qledger``)."""
import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
