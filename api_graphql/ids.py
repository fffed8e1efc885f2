"""Object ids in arguments: a Relay global ID or the database id REST uses, both accepted."""

from typing import Any

from graphql_relay import from_global_id, to_global_id


def database_id(value: Any, type_name: str) -> Any:
    """The database id held by ``value`` (a global ID of ``type_name`` or a plain id).

    Anything else is returned unchanged, so that the domain refuses it with its own code.
    """
    if value is None:
        return None
    # As given: " 5" is no id in REST either.
    text = str(value)
    if text.isascii() and text.isdigit():
        return text
    found_type, found_id = from_global_id(text)
    if found_type == type_name and found_id.isascii() and found_id.isdigit():
        return found_id
    return value


def global_id(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)
