// The custody kit: what custodians' and requesters' browsers need to hold key shares and open
// sealed signer identities, byte-compatible with app/kit/crypto (shamir.py, sealing.py,
// keyfile.py). Features import it lazily (`await import("../../kit/custody")`): it brings HPKE
// and Shamir code that most pages never need.
export { CustodyError, DecryptionError, KeyFileError } from "./errors";
export {
  generateCustodyKeyPair,
  openSealed,
  publicKeyOf,
  seal,
  type CustodyKeyPair,
  type CustodyPrivateKey,
  type SealingContext,
} from "./sealing";
export {
  KEY_FILE_FORMAT,
  KEY_FILE_VERSION,
  MAX_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
  PBKDF2_ITERATIONS,
  readKeyFile,
  writeKeyFile,
} from "./keyFile";
export { combine, split } from "./shamir";
export {
  deleteCustodyKey,
  loadCustodyKey,
  saveCustodyKey,
  type KeyStoreOptions,
  type StoredCustodyKey,
} from "./keyStore";
