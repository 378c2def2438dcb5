"""The transparency log (issue 16): an RFC 9162 Merkle tree over the event log, beside the
hash chain (``docs/audit.md``, "The transparency log").

- :mod:`application.tlog.tree`: hashes, inclusion and consistency proofs, pure;
- :mod:`application.tlog.entry`: the canonical leaf entry of a stored event;
- :mod:`application.tlog.store`: the stored tree, written in the events' transaction;
- :mod:`application.tlog.note`, :mod:`application.tlog.keyfiles`: C2SP signed notes, key
  texts and key files;
- :mod:`application.tlog.checkpoint`, :mod:`application.tlog.signing`: checkpoints, signed
  and kept;
- :mod:`application.tlog.verify`: the stored tree against the events, and checkpoints.
"""
