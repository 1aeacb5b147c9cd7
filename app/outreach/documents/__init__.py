"""Documents of outreach: proofs of dispatch and responses, uploaded and downloaded as
streams, stored encrypted in chunks under a key of their own (app/kit/crypto/file_chunks.py).
"""
