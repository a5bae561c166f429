"""Voice out: Hear it buttons, the narrated Animate figure, the voice caption."""
from components.voice.animate import animate
from components.voice.hear import hear_it, speed_control
from components.voice.serve import precompute, voice_caption

__all__ = ["animate", "hear_it", "precompute", "speed_control", "voice_caption"]
