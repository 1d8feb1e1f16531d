"""Which connector reads which ``kind:`` of the sources file. A new kind of source is one module
with a :class:`~connectors.base.Connector` and one line here."""

from __future__ import annotations

from connectors.base import Connector
from connectors.files import FilesConnector
from connectors.rest import RestConnector
from connectors.sql import SqlConnector
from connectors.xapi import XapiConnector

CONNECTORS: dict[str, Connector] = {
    "files": FilesConnector(),
    "rest": RestConnector(),
    "sql": SqlConnector(),
    "xapi": XapiConnector(),
}


def connector_for(kind: str) -> Connector:
    try:
        return CONNECTORS[kind]
    except KeyError:
        raise KeyError(f"no connector for kind {kind!r}; kinds: {', '.join(CONNECTORS)}") from None
