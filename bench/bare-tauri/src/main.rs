//! The footprint benchmark's peer: one window with one page, which calls [`shown`]
//! once it is painted; [`shown`] prints the line the benchmark times (stderr, like
//! Shomei's `ui: list shown`). Nothing else: no tray, no plugin, no state.

/// The page is painted.
#[tauri::command]
fn shown() {
    eprintln!("bare: page shown");
}

fn main() {
    if let Err(e) = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![shown])
        .run(tauri::generate_context!())
    {
        eprintln!("bare-tauri: {e}");
        std::process::exit(1);
    }
}
