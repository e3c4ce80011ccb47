//! Store figures (a benchmark, not a test: it prints, it never fails on time).
//!
//!   cargo bench -p shomei-store --bench store
//!
//! - listing 1,000 identities' certificates on a SoftHSM2 token (listing reads
//!   certificate objects and parses them; it never touches keys, so the objects are
//!   certificates whose keys live elsewhere — generating 1,000 RSA keys would time
//!   SoftHSM's key generation, not Shomei);
//! - certificates parsed per second (`CertificateInfo::parse`).

use std::time::{Duration, Instant};

use secrecy::SecretString;
use shomei_store::softhsm::SoftHsm;
use shomei_store::{CertificateInfo, Token};

const OBJECTS: usize = 1_000;

fn certificate(i: usize) -> Vec<u8> {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("株式会社デモ商事 利用者 {i}"),
    );
    params.self_signed(&key).unwrap().der().to_vec()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let certs: Vec<Vec<u8>> = (0..OBJECTS).map(certificate).collect();

    // Parsing alone.
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        for der in &certs {
            std::hint::black_box(CertificateInfo::parse(der).unwrap());
        }
    }
    let per_second = (rounds * OBJECTS) as f64 / start.elapsed().as_secs_f64();
    println!("certificates parsed per second: {per_second:.0}");

    // Listing on a real token.
    let hsm = match SoftHsm::for_tests() {
        Ok(hsm) => hsm,
        Err(e) => {
            println!("SoftHSM2 not usable ({e}): the token figure was NOT measured");
            std::process::exit(1);
        }
    };
    let pin = SecretString::from("123456".to_owned());
    let token = hsm
        .init_token("bench", &SecretString::from("so-bench".to_owned()), &pin)
        .unwrap();
    token.login(&pin).unwrap();
    for (i, der) in certs.iter().enumerate() {
        token
            .install_certificate(format!("bench-{i}").as_bytes(), &format!("bench {i}"), der)
            .unwrap();
    }
    let samples: Vec<Duration> = (0..10)
        .map(|_| {
            let start = Instant::now();
            let listing = token.list_identities();
            let took = start.elapsed();
            assert_eq!(listing.identities.len(), OBJECTS);
            took
        })
        .collect();
    let m = median(samples.clone());
    println!(
        "list {OBJECTS} identities on SoftHSM2: median {:.1} ms, min {:.1} ms, max {:.1} ms (10 runs)",
        m.as_secs_f64() * 1e3,
        samples.iter().min().unwrap().as_secs_f64() * 1e3,
        samples.iter().max().unwrap().as_secs_f64() * 1e3,
    );
}
