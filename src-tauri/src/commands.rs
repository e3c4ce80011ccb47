//! The IPC commands: thin translations between the UI and the engine.
//! Errors cross as [`ErrorView`] codes; the UI words them. The PIN arrives as a
//! plain string (that is what IPC carries) and becomes a `SecretString` at once.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use shomei_engine::model::{
    ErrorView, IdentityListing, IssuedCertificate, PrecheckItem, PrecheckReport, ProgressEvent,
    RenewalOutcome, StorageKind,
};
use shomei_engine::{PrecheckSink, ProgressSink, RenewalOptions};
use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, State};

/// The event name the UI listens to for [`ProgressEvent`]s.
pub const PROGRESS_EVENT: &str = "renewal-progress";

use crate::lifecycle;
use crate::prefetch::Prefetch;
pub use crate::state::AppState;
use crate::validate::{self, MAX_PASSWORD, MAX_PIN};

fn progress_to(app: AppHandle) -> ProgressSink {
    Arc::new(move |event: ProgressEvent| {
        if let Err(e) = app.emit(PROGRESS_EVENT, event) {
            tracing::warn!(error = %e, "could not deliver a progress event");
        }
    })
}

#[tauri::command]
pub async fn list_identities(
    app: AppHandle,
    state: State<'_, AppState>,
    prefetch: State<'_, Prefetch>,
) -> Result<IdentityListing, ErrorView> {
    let engine = state.banks();
    let listing = match prefetch.take(&engine).await {
        Some(listing) => listing,
        // PKCS#11 calls block; keep them off the IPC thread.
        None => tauri::async_runtime::spawn_blocking(move || engine.list())
            .await
            .map_err(|e| internal(&e))?,
    };
    // The window's list is as fresh as it gets: the tray shows the same.
    lifecycle::on_listing(&app, &listing);
    Ok(listing)
}

/// 電子証明書更新前処理中: the checks before a renewal, each pushed to `on_check`
/// as it changes (the window ticks them live); the whole report at the end. No
/// PIN, nothing changed.
#[tauri::command]
pub async fn precheck_renewal(
    state: State<'_, AppState>,
    fingerprint: String,
    on_check: Channel<PrecheckItem>,
) -> Result<PrecheckReport, ErrorView> {
    let fingerprint = validate::fingerprint(&fingerprint)?;
    let sink: PrecheckSink = Arc::new(move |item: PrecheckItem| {
        if let Err(e) = on_check.send(item) {
            tracing::warn!(error = %e, "could not deliver a pre-renewal check");
        }
    });
    state
        .banks()
        .precheck(&fingerprint, &sink)
        .await
        .map_err(|e| e.view())
}

#[tauri::command]
pub async fn start_renewal(
    app: AppHandle,
    state: State<'_, AppState>,
    fingerprint: String,
    pin: String,
    confirm_final_try: bool,
    into: Option<StorageKind>,
    bank_password: Option<String>,
) -> Result<IssuedCertificate, ErrorView> {
    // Checked before anything else, and the PIN and password become secrets at
    // once whatever the answer.
    let pin = SecretString::from(pin);
    let bank_password = bank_password.map(SecretString::from);
    let fingerprint = validate::fingerprint(&fingerprint)?;
    validate::secret("pin", pin.expose_secret(), MAX_PIN)?;
    if let Some(password) = &bank_password {
        validate::secret("bankPassword", password.expose_secret(), MAX_PASSWORD)?;
    }
    let options = RenewalOptions {
        into,
        confirm_final_try,
        bank_password,
    };
    let result = state
        .banks()
        .start_renewal(&fingerprint, options, pin, progress_to(app.clone()))
        .await
        .map_err(|e| e.view());
    log_renewal("renewalIssued", &fingerprint, &result);
    // A failed or pending renewal changes what the tray says.
    lifecycle::check_now(&app);
    result
}

#[tauri::command]
pub async fn install_renewal(
    app: AppHandle,
    state: State<'_, AppState>,
    renewal_id: String,
) -> Result<RenewalOutcome, ErrorView> {
    validate::renewal_id(&renewal_id)?;
    let result = state
        .banks()
        .install_renewal(&renewal_id, progress_to(app.clone()))
        .await
        .map_err(|e| e.view());
    log_renewal("renewalInstalled", &renewal_id, &result);
    lifecycle::check_now(&app);
    result
}

/// A renewal's step to the OS log: what was issued or installed, or its error
/// (certificates' details and error codes; never a PIN or password).
fn log_renewal<T: serde::Serialize>(event: &str, of: &str, result: &Result<T, ErrorView>) {
    use crate::oslog::{write_json, Level};
    match result {
        Ok(done) => write_json(
            Level::Notice,
            event,
            &serde_json::json!({ "of": of, "result": done }),
        ),
        Err(e) => write_json(
            Level::Warning,
            "renewalFailed",
            &serde_json::json!({ "of": of, "step": event, "error": e }),
        ),
    }
}

#[tauri::command]
pub fn cancel_renewal(state: State<'_, AppState>, renewal_id: String) -> Result<(), ErrorView> {
    validate::renewal_id(&renewal_id)?;
    state
        .banks()
        .cancel_renewal(&renewal_id)
        .map_err(|e| e.view())
}

/// Give up an unfinished renewal (`IdentityListing.unfinished`); the old identity
/// stays as it is.
#[tauri::command]
pub async fn discard_renewal(
    app: AppHandle,
    state: State<'_, AppState>,
    renewal_id: String,
    pin: String,
    confirm_final_try: bool,
) -> Result<(), ErrorView> {
    let pin = SecretString::from(pin);
    validate::renewal_id(&renewal_id)?;
    validate::secret("pin", pin.expose_secret(), MAX_PIN)?;
    let engine = state.banks();
    // PKCS#11 calls block; keep them off the IPC thread.
    let result = tauri::async_runtime::spawn_blocking(move || {
        engine
            .discard_renewal(&renewal_id, pin, confirm_final_try)
            .map_err(|e| e.view())
    })
    .await
    .map_err(|e| internal(&e))?;
    lifecycle::check_now(&app);
    result
}

fn internal(e: &dyn std::fmt::Display) -> ErrorView {
    ErrorView::of(
        shomei_engine::model::ErrorCode::Internal,
        Some(e.to_string()),
    )
}

#[cfg(test)]
mod tests {
    //! A command the window may not call fails only at run time, in the real app
    //! (as `discard_renewal` did): every command the shell registers must be in
    //! build.rs's app manifest and allowed by the window's capability.

    const LIB: &str = include_str!("lib.rs");
    const BUILD: &str = include_str!("../build.rs");
    const CAPABILITY: &str = include_str!("../capabilities/default.json");

    fn registered() -> Vec<String> {
        let start = LIB.find("generate_handler![").expect("the handler list") + 18;
        let end = start + LIB[start..].find(']').expect("its end");
        LIB[start..end]
            .split(',')
            .filter_map(|c| c.trim().rsplit("::").next())
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn every_registered_command_is_declared_and_allowed() {
        let commands = registered();
        assert!(commands.len() >= 6, "{commands:?}");
        for command in &commands {
            assert!(
                BUILD.contains(&format!("\"{command}\"")),
                "{command} is not in build.rs's app manifest"
            );
            let permission = format!("\"allow-{}\"", command.replace('_', "-"));
            assert!(
                CAPABILITY.contains(&permission),
                "the window's capability does not allow {command} ({permission})"
            );
        }
    }
}
