//! The phone app's server side: content-hashed static files, the web app manifest and the
//! service worker, the Kawal Desa, outbox and patrol-recording pages, and the API
//! behaviour the outbox relies on (a replayed create or photo upload makes nothing twice).

mod assets;
mod pages;
mod pwa;
