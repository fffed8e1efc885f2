from django.core.exceptions import ValidationError

from catalog.errors import validation_error_items


def error_pairs(exc: ValidationError) -> list[tuple[str | None, str]]:
    return [(item.field, item.code) for item in validation_error_items(exc)]
