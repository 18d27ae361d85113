"""Write operations of the feedback app."""
