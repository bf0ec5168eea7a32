"""What runs inside a kernel ``munbook serve`` starts, below the apps.

The launcher (``python -m widgets.kernel``), its IOPub handling, CPU priority,
memory given back, widgets made before the page connects, and the wait for a
preheated kernel's request. Nothing here imports the apps.
"""
