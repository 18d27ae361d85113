"""Short posts of two problems, for tests of re-clustering."""

BATTERY = [
    "Battery drains overnight while the phone is idle",
    "Battery drains fast since the last update",
    "My battery dies by noon even with the screen off",
    "Battery drain got much worse after updating",
    "Phone loses half its battery overnight in standby",
    "Idle battery drain is terrible now",
]
CAMERA = [
    "Camera app crashes when I switch to video",
    "The camera crashes as soon as I open it",
    "Camera closes by itself when recording video",
    "Camera app keeps crashing in night mode",
    "Opening the camera makes it crash right away",
    "Camera crash every time I take a photo",
]
