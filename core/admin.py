"""Admin mixins shared by every app."""


class ReadOnlyAdmin:
    """A mixin for records written only by services (or the system): the admin shows
    them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
