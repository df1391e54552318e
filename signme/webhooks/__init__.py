"""Signed webhooks: an organisation's own systems told when a signature is
counted, a threshold is reached or a signer opts out."""
