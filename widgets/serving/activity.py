"""The server's watch on its kernels' activity, reading only what it needs of a message.

jupyter_server subscribes to every kernel's IOPub channel to keep each kernel's
``last_activity`` (the idle culler's clock) and ``execution_state``. Its watcher
decodes every message in full, dates and all (``Session.deserialize``), and a
status message twice. A typing delegate's kernel sends about eight messages a
second, every one of which the server also relays to the page: with 100
delegates typing, this watch was about a quarter of the server's CPU. This one
checks the signature and reads only the header (and, for a status, the parent's
type and the state), with the same rules as jupyter_server's.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime
from typing import Any

from jupyter_client.session import DELIM, Session


class LeanActivityWatch:
    """Mixin for jupyter_server's ``MappingKernelManager``: a cheaper ``record_activity``."""

    _kernels: dict[str, Any]

    def start_watching_activity(self, kernel_id: str) -> None:
        """As jupyter_server's: every IOPub message is activity; statuses set the state."""
        kernel = self._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = datetime.now(UTC)
        kernel._activity_stream = kernel.connect_iopub()
        session = Session(config=kernel.session.config, key=kernel.session.key)

        def record_activity(msg_list: list[bytes]) -> None:
            parts = _signed_parts(session, msg_list)
            if parts is None:  # not a message of this kernel's: as jupyter_server, not activity
                return
            header, parent = json.loads(parts[0]), json.loads(parts[1])
            msg_type, parent_type = header.get("msg_type"), parent.get("msg_type")
            if (
                self.track_message_type(msg_type)  # type: ignore[attr-defined]
                or self.track_message_type(parent_type)  # type: ignore[attr-defined]
                or kernel.execution_state == "busy"
            ):
                self.last_kernel_activity = kernel.last_activity = datetime.now(UTC)
            if msg_type == "status":
                state = json.loads(parts[3]).get("execution_state")
                if self.track_message_type(parent_type):  # type: ignore[attr-defined]
                    kernel.execution_state = state
                elif kernel.execution_state == "starting" and state != "starting":
                    kernel.execution_state = "idle"  # jupyter_server's rule after a start

        kernel._activity_stream.on_recv(record_activity)


def _signed_parts(session: Session, msg_list: list[bytes]) -> list[bytes] | None:
    """header, parent header, metadata and content of a message signed with the kernel's key."""
    try:
        at = msg_list.index(DELIM)
    except ValueError:
        return None
    signature, parts = msg_list[at + 1], msg_list[at + 2 : at + 6]
    if len(parts) < 4:
        return None
    if session.auth is not None and not hmac.compare_digest(signature, session.sign(parts)):
        return None
    return parts
