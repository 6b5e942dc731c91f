"""Users, passwords, permissions, clients and practitioners."""
