// Starts the app: instantiating the module runs its `#[wasm_bindgen(start)]` function, which
// mounts the page. A file of its own, not an inline script, so the page's Content-Security-
// Policy allows only the app's own scripts.
import init from "/client.js";
init({ module_or_path: "/client_bg.wasm" });
