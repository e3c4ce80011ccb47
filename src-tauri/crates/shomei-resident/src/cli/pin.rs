//! The PIN of `renew` and `discard`: from an environment variable or stdin, into
//! a `SecretString` without copies left behind, never from argv.
//!
//! - `--pin-env VAR`: read and removed from the environment at the start of the
//!   command, while it has one thread, so no child process (`gsettings` for the
//!   desktop proxy) inherits it. The value moves into the secret without a copy.
//! - `--pin-stdin`: read unbuffered, one byte at a time, into a buffer that is
//!   never reallocated and is zeroed when dropped (std's buffered stdin would keep
//!   the PIN in its buffer for the life of the process).

use std::io::Read;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::args::PinSource;
use super::Lang;
use shomei_engine::words;

/// The longest PIN read from stdin; a longer line is refused, not reallocated.
const MAX_PIN_BYTES: usize = 255;

/// Where the PIN is, once what can be read early has been.
pub enum Pin {
    Read(SecretString),
    Stdin,
}

/// Take the PIN out of the environment now (see the module docs). Call it while
/// the process has one thread.
pub fn early(source: &PinSource, lang: Lang) -> Result<Pin, String> {
    match source {
        PinSource::Stdin => Ok(Pin::Stdin),
        PinSource::Env(var) => take_env(var, || {
            words::text(lang, "cli.pin.envEmpty", &[("var", var)])
        })
        .and_then(|bytes| secret(bytes, lang))
        .map(Pin::Read),
    }
}

/// `--bank-password-env VAR`: the password for the bank's HTTP authentication,
/// taken out of the environment like the PIN (see the module docs).
pub fn bank_password(var: &str, lang: Lang) -> Result<SecretString, String> {
    take_env(var, || {
        words::text(lang, "cli.pin.bankPasswordEmpty", &[("var", var)])
    })
    .and_then(|bytes| secret(bytes, lang))
}

/// Read and remove the secret in `var`; `unset` says that it holds none.
fn take_env(var: &str, unset: impl FnOnce() -> String) -> Result<Zeroizing<Vec<u8>>, String> {
    let value = std::env::var_os(var);
    // Edition 2021: safe to call; sound here because no other thread exists yet.
    std::env::remove_var(var);
    value
        .map(|v| Zeroizing::new(v.into_encoded_bytes()))
        .filter(|v| !v.is_empty())
        .ok_or_else(unset)
}

impl Pin {
    /// The PIN, reading stdin now if that is where it comes from.
    pub fn get(self, lang: Lang) -> Result<SecretString, String> {
        match self {
            Pin::Read(pin) => Ok(pin),
            Pin::Stdin => secret(read_line_unbuffered(lang)?, lang),
        }
    }
}

fn secret(mut bytes: Zeroizing<Vec<u8>>, lang: Lang) -> Result<SecretString, String> {
    if bytes.is_empty() {
        return Err(words::text(lang, "cli.pin.empty", &[]));
    }
    // `String::from_utf8` takes the buffer itself: no copy is made.
    let text = String::from_utf8(std::mem::take(&mut *bytes)).map_err(|e| {
        // Hand the bytes back to the zeroing buffer before saying no.
        *bytes = e.into_bytes();
        words::text(lang, "cli.pin.notText", &[])
    })?;
    Ok(SecretString::from(text))
}

fn read_line_unbuffered(lang: Lang) -> Result<Zeroizing<Vec<u8>>, String> {
    let mut stdin = unbuffered_stdin().map_err(|e| format!("stdin: {e}"))?;
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PIN_BYTES + 1));
    let mut byte = Zeroizing::new([0u8; 1]);
    loop {
        match stdin.read(&mut byte[..]) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() == MAX_PIN_BYTES => {
                return Err(words::text(
                    lang,
                    "cli.pin.tooLong",
                    &[("max", &MAX_PIN_BYTES.to_string())],
                ))
            }
            Ok(_) => line.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("stdin: {e}")),
        }
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

/// A second handle on the standard input that reads without std's buffer.
fn unbuffered_stdin() -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        Ok(std::fs::File::from(
            std::io::stdin().as_fd().try_clone_to_owned()?,
        ))
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsHandle;
        Ok(std::fs::File::from(
            std::io::stdin().as_handle().try_clone_to_owned()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a_pin_from_the_environment_leaves_it_at_once() {
        let var = "SHOMEI_PIN_TEST_TAKEN_OUT";
        std::env::set_var(var, "123456");
        let Ok(Pin::Read(pin)) = early(&PinSource::Env(var.into()), Lang::En) else {
            panic!("the PIN was not read");
        };
        assert_eq!(pin.expose_secret(), "123456");
        assert!(std::env::var_os(var).is_none(), "children would inherit it");
        assert!(early(&PinSource::Env(var.into()), Lang::En).is_err());
        std::env::set_var(var, "");
        assert!(
            early(&PinSource::Env(var.into()), Lang::Ja).is_err(),
            "empty"
        );
        assert!(matches!(early(&PinSource::Stdin, Lang::Ja), Ok(Pin::Stdin)));
    }
}
