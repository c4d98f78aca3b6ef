//! Settings of the web app: demo sign-in and the OpenID Connect client it signs in with.

use clap::Args;

/// The web app's settings.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Whether `/auth/demo` mints tokens for demo persons: only with `serve --demo`.
    pub demo_sign_in: bool,
    /// The identity provider the app signs in with, if any.
    pub oidc: Option<OidcConfig>,
}

/// An OpenID Connect provider and the app's public client there (authorization code + PKCE).
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Issuer URL; discovery is read from `<issuer>/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Scopes requested, space-separated.
    pub scope: String,
}

impl OidcConfig {
    /// `scheme://host[:port]` of the issuer, the one foreign origin the app may contact.
    pub fn issuer_origin(&self) -> String {
        let (scheme, rest) = self.issuer.split_once("://").unwrap_or(("https", &self.issuer));
        let host = rest.split('/').next().unwrap_or_default();
        format!("{scheme}://{host}")
    }
}

/// Command-line flags of the web app.
#[derive(Debug, Clone, Args)]
pub struct WebArgs {
    /// Issuer URL of the OpenID Connect provider the web app signs in with (authorization
    /// code + PKCE); its tokens must pass the `--jwt-*` checks.
    #[arg(long, env = "LOTSENNETZ_OIDC_ISSUER", requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// Client id of the web app at the OpenID Connect provider (a public client).
    #[arg(long, env = "LOTSENNETZ_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Scopes the web app requests.
    #[arg(long, env = "LOTSENNETZ_OIDC_SCOPE", default_value = "openid")]
    pub oidc_scope: String,
}

impl WebArgs {
    /// The settings, with demo sign-in when the service runs the demo; refuses an issuer that
    /// is not an http(s) URL, since it becomes part of the Content-Security-Policy.
    pub fn config(&self, demo: bool) -> Result<WebConfig, String> {
        let oidc = match (&self.oidc_issuer, &self.oidc_client_id) {
            (Some(issuer), Some(client_id)) => {
                let url_like = (issuer.starts_with("https://") || issuer.starts_with("http://"))
                    && issuer.chars().all(|c| c.is_ascii_graphic() && !matches!(c, ';' | ',' | '\'' | '"'));
                if !url_like {
                    return Err(format!("--oidc-issuer must be an http(s) URL, not {issuer:?}"));
                }
                Some(OidcConfig {
                    issuer: issuer.trim_end_matches('/').to_owned(),
                    client_id: client_id.clone(),
                    scope: self.oidc_scope.clone(),
                })
            }
            _ => None,
        };
        Ok(WebConfig { demo_sign_in: demo, oidc })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(issuer: &str) -> WebArgs {
        WebArgs { oidc_issuer: Some(issuer.into()), oidc_client_id: Some("app".into()), oidc_scope: "openid".into() }
    }

    #[test]
    fn an_issuer_must_be_an_http_url_without_policy_syntax() {
        assert!(args("https://id.example.org/realms/bw/").config(false).unwrap().oidc.unwrap().issuer.ends_with("/bw"));
        for bad in ["id.example.org", "https://id.example.org; script-src *", "javascript:alert(1)", "https://a b"] {
            assert!(args(bad).config(false).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_issuer_origin_drops_the_path() {
        let oidc = OidcConfig {
            issuer: "https://id.example.org:8443/realms/bw".into(),
            client_id: "app".into(),
            scope: "openid".into(),
        };
        assert_eq!(oidc.issuer_origin(), "https://id.example.org:8443");
    }
}
