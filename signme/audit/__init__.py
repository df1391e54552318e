"""The append-only log of who viewed, exported, imported or erased personal
data, and who emailed signers. Below every feature, so each can record."""
