//! The files of the web app and the GraphiQL page, built into the binary from `web/`.

use std::sync::OnceLock;

pub struct Asset {
    pub body: &'static [u8],
    pub content_type: &'static str,
    etag: OnceLock<String>,
}

impl Asset {
    const fn new(body: &'static [u8], content_type: &'static str) -> Self {
        Self { body, content_type, etag: OnceLock::new() }
    }

    /// A strong validator from the content, computed on first use.
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            use std::hash::{DefaultHasher, Hasher};
            let mut hasher = DefaultHasher::new();
            hasher.write(self.body);
            format!("\"{:016x}-{:x}\"", hasher.finish(), self.body.len())
        })
    }
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

pub static INDEX: Asset = Asset::new(include_bytes!("../../web/index.html"), HTML);
pub static GRAPHIQL_PAGE: Asset = Asset::new(include_bytes!("../../web/graphiql.html"), HTML);

macro_rules! files {
    ($($path:literal => $type:expr),+ $(,)?) => {
        static FILES: [(&str, Asset); [$($path),+].len()] =
            [$(($path, Asset::new(include_bytes!(concat!("../../web/", $path)), $type))),+];
    };
}

files! {
    "app.css" => CSS,
    "app.js" => JS,
    "api.js" => JS,
    "auth.js" => JS,
    "ui.js" => JS,
    "map.js" => JS,
    "lotse.js" => JS,
    "expert.js" => JS,
    "municipality.js" => JS,
    "search.js" => JS,
    "graphiql.js" => JS,
    "vendor/graphiql.min.js" => JS,
    "vendor/graphiql.min.css" => CSS,
    "vendor/react.production.min.js" => JS,
    "vendor/react-dom.production.min.js" => JS,
}

/// The asset at `path` below `/app/`.
pub fn find(path: &str) -> Option<&'static Asset> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, asset)| asset)
}
