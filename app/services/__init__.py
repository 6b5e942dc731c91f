"""Every business rule and permission check of Practice Desk. No Qt here (SPEC 0.3).

The public API the views call is documented in docs/API.md.
"""
