from rest_framework.permissions import SAFE_METHODS, BasePermission

from catalog.policies import can_edit_catalog


class CatalogEditorOrReadOnly(BasePermission):
    """Anyone reads the catalog; only editors change it (the services check it again).

    Asked before the view runs, so the browsable API shows write forms to editors only.
    """

    message = "Only staff members can change the catalog."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or can_edit_catalog(request.user)
