"""Write operations of the community app (HackSoft style services)."""
