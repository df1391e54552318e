"""The core: organisations and their members, targets and their petition
schemes, petitions, privacy notices, signatures and their consents, sheets,
counting, and who may see what (access.py). It imports no feature: paper,
people, updates and submissions build on it, and the pages sit on top."""
