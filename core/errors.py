class ApplicationError(Exception):
    """A refusal a user can understand: a clear message, nothing changed.

    Services raise it; views show the message (next to ``fields`` when it names the
    inputs it is about), the API turns it into a structured error with ``code`` and
    ``status_code``.
    """

    status_code = 400

    def __init__(self, message, *, code: str = "invalid", status_code: int | None = None,
                 fields=()):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = tuple(fields)
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ApplicationError):
    """Someone else changed the record first."""

    status_code = 409

    def __init__(self, message, *, code: str = "conflict"):
        super().__init__(message, code=code)
