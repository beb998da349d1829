//! SSH signatures on commits (git's `gpgsig` header in the SSH format), verified in Rust.

use ssh_key::{PublicKey, SshSig};

/// git signs commits in the `git` namespace.
const NAMESPACE: &str = "git";

/// Checks that `signature` (an armored SSH signature) is `key`'s signature over `payload`.
pub fn verify(key: &str, signature: &str, payload: &[u8]) -> Result<(), String> {
    let key = PublicKey::from_openssh(key.trim())
        .map_err(|e| format!("the key in council.toml cannot be read ({e})"))?;
    if !signature
        .trim_start()
        .starts_with("-----BEGIN SSH SIGNATURE-----")
    {
        return Err("it is signed, but not with an SSH key".to_owned());
    }
    let sig = SshSig::from_pem(signature.trim())
        .map_err(|e| format!("its signature cannot be read ({e})"))?;
    if sig.public_key() != key.key_data() {
        return Err("it is signed by another key".to_owned());
    }
    key.verify(NAMESPACE, payload, &sig)
        .map_err(|e| format!("its signature does not verify ({e})"))
}
