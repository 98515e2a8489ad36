from core.validators import validate_phone  # noqa: F401  (named by migrations)
