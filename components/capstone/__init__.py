"""The capstone page's pieces, one module per part of the page: training (press start),
watch (watch it learn), checkpoints, talk (make it talk) and credits. Unlike the chapters'
components most of them import torch (through capstone/), so only the capstone page loads them."""
