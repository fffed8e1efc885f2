"""Who may do what: the one place both APIs ask."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .errors import Forbidden, NotAuthenticated

User = AbstractBaseUser | AnonymousUser


def require_authenticated(user: User | None) -> None:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated()


def can_edit_catalog(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def require_catalog_editor(user: User | None) -> None:
    require_authenticated(user)
    if not can_edit_catalog(user):
        raise Forbidden("Only staff members can change the catalog.")
