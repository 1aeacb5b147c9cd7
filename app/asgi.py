"""The ASGI application for uvicorn: ``uvicorn app.asgi:app``."""

import gc

from app.main import create_app

app = create_app()

# Everything imported and built so far lives as long as the worker: moved out of the cyclic
# collector's way, so that a request making many objects (the outreach dashboard builds
# tens of thousands of cells) does not rescan the whole application at every collection.
gc.collect()
gc.freeze()
