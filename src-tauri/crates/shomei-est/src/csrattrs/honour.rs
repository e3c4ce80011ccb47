//! From the CA's requirements to the key to generate, or a refusal that lists
//! everything that cannot be honoured, decided before any key exists.
//!
//! The key is never weaker than the caller proposed (the profile's key policy,
//! itself never weaker than the current key) nor than the CA asks. Strength is
//! compared in security bits (NIST SP 800-57 Part 1, Table 2): RSA 2048 = 112,
//! RSA 3072 = 128, P-256 = 128; so a CA that wants RSA from a P-256 user gets RSA 3072.

use shomei_store::KeySpec;

use super::{CsrRequirements, Curve, KeyRequirement, Unmet};

/// The smallest RSA size this client generates, whatever a CA asks.
const MIN_RSA_BITS: u32 = 2048;

/// What the CA asks and this client cannot do; nothing has been generated or sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the bank's CA asks for what this client cannot put in a request: {}", list(.unmet))]
pub struct CsrRefusal {
    /// Every requirement that cannot be met, in the order the CA gave them.
    pub unmet: Vec<Unmet>,
}

fn list(unmet: &[Unmet]) -> String {
    unmet
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl CsrRequirements {
    /// The key to generate: `proposed` when it meets the CA's key requirement,
    /// otherwise the weakest generatable key that meets it and is at least as
    /// strong as `proposed`. `challenge_password_given`: whether the caller has a
    /// challengePassword to put in the request (see `build_csr_with`).
    pub fn honour(
        &self,
        proposed: KeySpec,
        challenge_password_given: bool,
    ) -> Result<KeySpec, CsrRefusal> {
        let mut unmet = self.unsupported.clone();
        let spec = match &self.key {
            None => Some(proposed),
            Some(wanted) => {
                let chosen = choose(wanted, proposed);
                if chosen.is_none() {
                    unmet.insert(0, Unmet::Key(wanted.clone()));
                }
                chosen
            }
        };
        if self.challenge_password && !challenge_password_given {
            unmet.push(Unmet::ChallengePassword);
        }
        match spec {
            Some(spec) if unmet.is_empty() => Ok(spec),
            _ => Err(CsrRefusal { unmet }),
        }
    }
}

fn choose(wanted: &KeyRequirement, proposed: KeySpec) -> Option<KeySpec> {
    if matches!(wanted, KeyRequirement::Rsa { bits: Some(bits) } if *bits < MIN_RSA_BITS) {
        return None;
    }
    if meets(proposed, wanted) {
        return Some(proposed);
    }
    [KeySpec::Rsa2048, KeySpec::Rsa3072, KeySpec::EcP256]
        .into_iter()
        .find(|spec| meets(*spec, wanted) && strength(*spec) >= strength(proposed))
}

fn meets(spec: KeySpec, wanted: &KeyRequirement) -> bool {
    match (spec, wanted) {
        (KeySpec::Rsa2048, KeyRequirement::Rsa { bits }) => bits.unwrap_or(MIN_RSA_BITS) <= 2048,
        (KeySpec::Rsa3072, KeyRequirement::Rsa { bits }) => bits.unwrap_or(MIN_RSA_BITS) <= 3072,
        (KeySpec::EcP256, KeyRequirement::Ec { curve }) => {
            matches!(curve, None | Some(Curve::P256))
        }
        _ => false,
    }
}

/// Security bits (NIST SP 800-57 Part 1 Rev. 5, Table 2).
fn strength(spec: KeySpec) -> u32 {
    match spec {
        KeySpec::Rsa2048 => 112,
        KeySpec::Rsa3072 | KeySpec::EcP256 => 128,
    }
}
