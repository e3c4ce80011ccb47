//! Tauri's build step. Capabilities live in src-tauri/capabilities (the root
//! manifest is the app package, so tauri-build's default path would be wrong),
//! and the app's own commands are declared so a capability must allow each one.

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(&[
            "app_info",
            "reload_profiles",
            "pick_profile_file",
            "add_profile",
            "remove_profile",
            "get_settings",
            "save_settings",
            "start_demo",
            "save_support_bundle",
            "list_identities",
            "precheck_renewal",
            "start_renewal",
            "install_renewal",
            "cancel_renewal",
            "discard_renewal",
            "take_open_request",
            "ui_shown",
            "update_status",
            "apply_update",
            "restart_after_update",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
