// Once the page is painted (the frame after load), tell the app: it prints the line
// bench/footprint.py times, as Shomei's window does when its list is painted.
window.addEventListener('load', () => {
  requestAnimationFrame(() =>
    setTimeout(() => window.__TAURI_INTERNALS__.invoke('shown').catch(() => {}), 0),
  );
});
