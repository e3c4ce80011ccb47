//! 「サポート情報を保存」 (settings): the OS's save dialog, opened by the shell (the
//! webview has no dialog permission), then the support bundle of the banks in use
//! (`shomei_support`, shared with `shomei support-bundle`).

use shomei_engine::model::{ErrorCode, ErrorView, SupportBundleSaved};
use shomei_resident::support;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::state::AppState;
use crate::validate;

/// Asks where to save (the Downloads folder and a dated name suggested), then
/// writes the zip there; `None` when the user cancels. A part that cannot be
/// collected is noted inside and counted; only an unwritable file is an error.
#[tauri::command]
pub async fn save_support_bundle(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<SupportBundleSaved>, ErrorView> {
    let title = validate::text("title", &title, validate::MAX_TITLE)?.to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(support::file_name())
        .add_filter("ZIP", &["zip"]);
    if let Some(dir) = support::default_folder() {
        dialog = dialog.set_directory(dir);
    }
    dialog.save_file(move |file| {
        let _ = tx.send(file.and_then(|f| f.into_path().ok()));
    });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let (banks, data_dir) = (state.banks(), state.data_dir().to_path_buf());
    // Listing the stores blocks (PKCS#11): off the IPC thread.
    let written = tauri::async_runtime::spawn_blocking(move || {
        support::write(&path, "shomei-window", &data_dir, Ok(&banks)).map(|s| (path, s))
    })
    .await
    .map_err(|e| ErrorView::of(ErrorCode::Internal, Some(e.to_string())))?;
    match written {
        Ok((path, summary)) => Ok(Some(SupportBundleSaved {
            path: path.display().to_string(),
            failed_parts: u32::try_from(summary.failed()).unwrap_or(u32::MAX),
        })),
        Err(e) => {
            tracing::warn!(error = %e, "the support bundle could not be written");
            Err(ErrorView::of(ErrorCode::NotSaved, Some(e.to_string())))
        }
    }
}
