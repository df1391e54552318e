"""The durable outbox and bulk sending: emails queued in the transaction that
caused them, claimed and delivered by the worker, and mail to many signers
queued in resumable batches. It knows no petition logic: the features above
decide what to send and to whom."""
