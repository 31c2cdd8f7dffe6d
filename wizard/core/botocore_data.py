"""botocore's bundled data files (endpoints.json, service models), parsed once per process and shared.

Read-only data, no credentials. Every botocore session the program makes (the test engine's, validation's model limits,
the region list) uses this one loader, so each file is parsed once: parsing holds the GIL (endpoints.json ~75 ms, EC2's
model ~120 ms), which would otherwise stall a GUI's event loop and repeat the work in every module.
"""

from __future__ import annotations

import botocore.loaders
import botocore.session

LOADER = botocore.loaders.create_loader()  # cheap: files are read on first use, then cached by the loader


def new_botocore_session() -> botocore.session.Session:
    """A fresh botocore session (its own configuration and credential chain) reading data through the shared loader."""
    session = botocore.session.Session()
    session.register_component("data_loader", LOADER)
    return session
