"""People and their rights: who may be contacted on which channel, the
suppression list, access and erasure requests, retention, and the audit log's
pages."""
