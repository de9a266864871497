"""Training of CRAFT models: synthetic documents, paper ground truth, loss, weak supervision, training loop.

Only :mod:`.synth` and :mod:`.gt` are importable without torch; the loss, dataset and training loop import
torch when they are used.
"""
