"""Organisers' updates to signers: write, preview, test and send, to those who
agreed to email and nobody twice."""
