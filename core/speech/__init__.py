"""Say it back: normalise a spoken formula, transcribe a recording, score a reading."""
from core.speech.normalise import normalise, tokens
from core.speech.score import DEL, HIT, INS, SUB, Score, WordDiff, score
from core.speech.transcribe import Transcript, transcribe

__all__ = ["HIT", "SUB", "DEL", "INS", "normalise", "tokens", "score", "Score", "WordDiff", "transcribe", "Transcript"]
