"""botocore's bundled data files (endpoints.json, service models), parsed once per process and shared.

Read-only data, no credentials. Every botocore session the program makes (the test engine's, the region list) and
validation's model limits (for the models the clients read too) use this one loader, so each file is parsed once:
parsing holds the GIL (endpoints.json ~75 ms, EC2's model ~120 ms), which would otherwise stall a GUI's event loop and
repeat the work in every module.
"""

from __future__ import annotations

import threading


class _SharedLoader:
    """botocore's data loader, created (and botocore imported) on first use: importing this module, or a module that
    holds LOADER (regions, validation), loads nothing of botocore, so a window can show before it does."""

    _lock = threading.Lock()
    _loader = None

    def get(self):
        with self._lock:
            if self._loader is None:
                import botocore.loaders

                type(self)._loader = botocore.loaders.create_loader()  # files are read on first use, then cached
            return self._loader

    def __getattr__(self, name: str):
        return getattr(self.get(), name)


LOADER = _SharedLoader()


def new_botocore_session():
    """A fresh botocore session (its own configuration and credential chain) reading data through the shared loader."""
    import botocore.session

    session = botocore.session.Session()
    session.register_component("data_loader", LOADER.get())
    return session
