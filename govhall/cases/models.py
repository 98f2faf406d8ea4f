"""Cases (办件): see services.py for every state change."""
