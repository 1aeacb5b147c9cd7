// The custody kit's errors, mirroring app/kit/crypto/errors.py. Messages never carry key
// material, plaintext or the rejected input.

/** Base class for every error the custody kit throws on purpose. */
export class CustodyError extends Error {
  override name = "CustodyError";
}

/** A sealed blob or key file failed to authenticate: wrong key or passphrase, or modified data. */
export class DecryptionError extends CustodyError {
  override name = "DecryptionError";
}

/** Not a key file this version can read: not JSON, unknown format or version, bad sizes. */
export class KeyFileError extends CustodyError {
  override name = "KeyFileError";
}
