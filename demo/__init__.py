"""Demo data and demo logins for trying the portal (``make run``): installed only when
DEBUG is on or outside production, and imported by no other app."""
