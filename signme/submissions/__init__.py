"""Handing the petition over: the submission pack, threshold emails to
organisers, the outcome and telling signers about it, and the organiser pages
for a target's scheme."""
