"""Background jobs: named, periodic, each in its own unit of work (``runner``), the ones the
worker schedules (``schedule``), and the worker that runs them (``worker``): embedded in the
server or as ``accord worker``.

Nothing is imported here, so that domains may use :mod:`app.jobs.runner` while
:mod:`app.jobs.schedule` imports the domains' job functions.
"""
