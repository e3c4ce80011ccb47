//! The key of the renewed certificate: the profile's `key_policy` applied to the
//! current certificate's key (SPEC §3).
//!
//! The new key has the algorithm and size of the current one unless the policy sets
//! a stronger minimum, and is never weaker: within RSA a smaller key is weaker;
//! across algorithms the security strengths of NIST SP 800-57 Part 1 (Table 2) are
//! compared (RSA 2048: 112 bits; RSA 3072 to 7679 and ECDSA P-256: 128 bits).
//! So `"rsa3072"` upgrades RSA 2048 and keeps P-256 (already as strong), and
//! `"p256"` turns RSA keys up to 128-bit strength into P-256. What Shomei cannot
//! create ([`KeySpec`]: RSA 2048, RSA 3072, P-256) or cannot compare is refused with
//! the reason, before any key exists.

use shomei_store::{KeyAlgorithm, KeySpec};

use super::{BankProfile, KeyPolicy};

impl KeyPolicy {
    /// The key to create when the current certificate's key is `current`, or why
    /// there is none.
    pub fn key_spec_for(self, current: KeyAlgorithm) -> Result<KeySpec, String> {
        let policy = match self {
            KeyPolicy::Same => "same",
            KeyPolicy::Rsa3072 => "rsa3072",
            KeyPolicy::P256 => "p256",
        };
        const CAN_CREATE: &str = "Shomei can only create RSA 2048, RSA 3072 and ECDSA P-256 keys";
        let cannot_create = || match self {
            KeyPolicy::Same => format!(
                "the current key is {current}; key_policy \"same\" keeps its algorithm and \
                 size, and {CAN_CREATE}"
            ),
            _ => format!(
                "the current key is {current}; key_policy \"{policy}\" would make it weaker, \
                 and {CAN_CREATE}"
            ),
        };
        match (self, current) {
            (_, KeyAlgorithm::Other) => Err(format!(
                "the current key's algorithm is not supported (key_policy \"{policy}\" \
                 cannot tell whether a new key would be as strong)"
            )),
            (KeyPolicy::Same, _) => KeySpec::matching(current).ok_or_else(cannot_create),
            (KeyPolicy::Rsa3072, KeyAlgorithm::Rsa { bits }) if bits <= 3072 => {
                Ok(KeySpec::Rsa3072)
            }
            (KeyPolicy::Rsa3072, KeyAlgorithm::Rsa { .. }) => Err(cannot_create()),
            // P-256 is already as strong as RSA 3072 (128 bits).
            (KeyPolicy::Rsa3072, KeyAlgorithm::EcP256) => Ok(KeySpec::EcP256),
            (KeyPolicy::P256, KeyAlgorithm::Rsa { bits }) if strength(bits) <= 128 => {
                Ok(KeySpec::EcP256)
            }
            (KeyPolicy::P256, KeyAlgorithm::Rsa { .. }) => Err(cannot_create()),
            (KeyPolicy::P256, KeyAlgorithm::EcP256) => Ok(KeySpec::EcP256),
        }
    }
}

impl BankProfile {
    /// The key for renewing a certificate whose key is `current`: see [`KeyPolicy::key_spec_for`].
    pub fn key_spec_for(&self, current: KeyAlgorithm) -> Result<KeySpec, String> {
        self.key_policy.key_spec_for(current)
    }
}

/// The security strength of an RSA key in bits (NIST SP 800-57 Part 1, Table 2).
fn strength(rsa_bits: u32) -> u32 {
    match rsa_bits {
        0..=2047 => 80,
        2048..=3071 => 112,
        3072..=7679 => 128,
        7680..=15359 => 192,
        _ => 256,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyAlgorithm::{EcP256, Other, Rsa};

    #[test]
    fn every_policy_with_every_current_key() {
        let refused = Err(());
        let cases: [(KeyAlgorithm, [Result<KeySpec, ()>; 3]); 8] = [
            // current key        same                  rsa3072               p256
            (
                Rsa { bits: 1024 },
                [refused, Ok(KeySpec::Rsa3072), Ok(KeySpec::EcP256)],
            ),
            (
                Rsa { bits: 2048 },
                [
                    Ok(KeySpec::Rsa2048),
                    Ok(KeySpec::Rsa3072),
                    Ok(KeySpec::EcP256),
                ],
            ),
            (
                Rsa { bits: 2049 },
                [refused, Ok(KeySpec::Rsa3072), Ok(KeySpec::EcP256)],
            ),
            (
                Rsa { bits: 3072 },
                [
                    Ok(KeySpec::Rsa3072),
                    Ok(KeySpec::Rsa3072),
                    Ok(KeySpec::EcP256),
                ],
            ),
            // Never smaller within RSA; P-256 is as strong as RSA 4096 (128 bits).
            (Rsa { bits: 4096 }, [refused, refused, Ok(KeySpec::EcP256)]),
            // Stronger than anything Shomei can create.
            (Rsa { bits: 8192 }, [refused, refused, refused]),
            (
                EcP256,
                [
                    Ok(KeySpec::EcP256),
                    Ok(KeySpec::EcP256),
                    Ok(KeySpec::EcP256),
                ],
            ),
            (Other, [refused, refused, refused]),
        ];
        let policies = [KeyPolicy::Same, KeyPolicy::Rsa3072, KeyPolicy::P256];
        for (current, expected) in cases {
            for (policy, want) in policies.into_iter().zip(expected) {
                let got = policy.key_spec_for(current);
                assert_eq!(
                    got.clone().map_err(|_| ()),
                    want,
                    "{policy:?} with a current {current} key: {got:?}"
                );
                if let Ok(spec) = got {
                    assert!(
                        !weaker(spec.algorithm(), current),
                        "{policy:?}: {spec:?} is weaker than {current}"
                    );
                }
            }
        }
    }

    /// The rule itself, independently: a new key must not be weaker than the old.
    fn weaker(new: KeyAlgorithm, old: KeyAlgorithm) -> bool {
        let level = |a: KeyAlgorithm| match a {
            Rsa { bits } => strength(bits),
            EcP256 => 128,
            Other => u32::MAX,
        };
        match (new, old) {
            (Rsa { bits: n }, Rsa { bits: o }) => n < o,
            _ => level(new) < level(old),
        }
    }

    #[test]
    fn refusals_say_why() {
        let why = KeyPolicy::Rsa3072
            .key_spec_for(Rsa { bits: 4096 })
            .unwrap_err();
        assert!(
            why.contains("RSA 4096") && why.contains("rsa3072") && why.contains("weaker"),
            "{why}"
        );
        let why = KeyPolicy::Same
            .key_spec_for(Rsa { bits: 1024 })
            .unwrap_err();
        assert!(
            why.contains("RSA 1024") && why.contains("\"same\"") && why.contains("can only"),
            "{why}"
        );
        let why = KeyPolicy::P256.key_spec_for(Other).unwrap_err();
        assert!(why.contains("not supported"), "{why}");
    }

    #[test]
    fn the_profile_applies_its_policy() {
        let base = "name = \"x\"\n[est]\nbase_url = \"https://e.example\"\nca_file = \"ca.pem\"\n";
        let profile = |policy: &str| {
            super::super::parse(
                &format!("key_policy = \"{policy}\"\n{base}"),
                std::path::Path::new("bank.toml"),
            )
            .unwrap()
        };
        let current = Rsa { bits: 2048 };
        assert_eq!(profile("same").key_spec_for(current), Ok(KeySpec::Rsa2048));
        assert_eq!(
            profile("rsa3072").key_spec_for(current),
            Ok(KeySpec::Rsa3072)
        );
        assert_eq!(profile("p256").key_spec_for(current), Ok(KeySpec::EcP256));
    }
}
