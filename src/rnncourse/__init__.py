"""rnncourse: the shared package of the course "RNNs from Scratch"."""
__version__ = "0.1.0"
