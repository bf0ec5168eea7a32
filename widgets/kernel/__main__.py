"""``python -m widgets.kernel``: the served kernel (see ``widgets.kernel.launcher``)."""

from .launcher import main

main()
