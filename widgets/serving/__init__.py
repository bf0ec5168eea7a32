"""``munbook serve`` and ``munbook lab``: the Voilà and jupyter_server side.

The Voilà app and its hooks, the kernel cap and pool, the activity watch,
plain HTTP pages and the redacted log, several workers behind HAProxy, and
JupyterLab for staff. Nothing here runs inside a delegate's kernel.
"""
