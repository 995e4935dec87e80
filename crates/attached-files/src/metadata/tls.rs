//! TLS for the connections to PostgreSQL, chosen as libpq chooses it, by the URL's `sslmode`:
//! absent or `disable`, none; `require`, encrypted without a check of the server's certificate
//! (unless `sslrootcert` names a CA file: then as `verify-ca`); `verify-ca`, a certificate signed
//! by a trusted CA; `verify-full`, and issued for the host connected to. The trusted CAs are those
//! of `sslrootcert` (a PEM file), or else the system's. rustls does the TLS (tokio-postgres-rustls).

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, aws_lc_rs, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::StoreError;

/// The connection settings of `url`, and the TLS connector its `sslmode` asks for (none for no
/// TLS). The two libpq parameters tokio-postgres does not know are taken out of the URL first.
pub(crate) fn config(url: &str) -> Result<(tokio_postgres::Config, Option<MakeRustlsConnect>), StoreError> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (mut mode, mut root_file, mut kept) = (None, None, Vec::new());
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || percent_encoding::percent_decode_str(value).decode_utf8_lossy().into_owned();
        match key {
            "sslmode" => mode = Some(decoded()),
            "sslrootcert" => root_file = Some(decoded()),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
    let mut config: tokio_postgres::Config = url.parse().map_err(|e| StoreError::new(format!("postgres: {e}")))?;
    let check = match (mode.as_deref(), &root_file) {
        (None | Some("disable"), _) => {
            config.ssl_mode(SslMode::Disable);
            return Ok((config, None));
        }
        (Some("require"), None) => Check::Nothing,
        (Some("require" | "verify-ca"), Some(_)) | (Some("verify-ca"), None) => Check::Issuer,
        (Some("verify-full"), _) => Check::IssuerAndHost,
        (Some(other), _) => {
            let supported = "disable, require, verify-ca or verify-full";
            return Err(StoreError::new(format!("postgres: sslmode={other} is not supported: use {supported}")));
        }
    };
    config.ssl_mode(SslMode::Require);
    let roots = match check {
        Check::Nothing => RootCertStore::empty(),
        _ => trusted_roots(root_file.as_deref())?,
    };
    Ok((config, Some(MakeRustlsConnect::new(client_config(check, roots)?))))
}

/// How much of the server's certificate is checked.
#[derive(Clone, Copy)]
enum Check {
    Nothing,
    Issuer,
    IssuerAndHost,
}

/// The CAs of the PEM file `path`, or the system's.
fn trusted_roots(path: Option<&str>) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    let certificates: Vec<CertificateDer<'static>> = match path {
        Some(path) => CertificateDer::pem_file_iter(path)
            .and_then(|certificates| certificates.collect::<Result<_, _>>())
            .map_err(|e| StoreError::new(format!("postgres: sslrootcert {path}: {e}")))?,
        None => rustls_native_certs::load_native_certs().certs,
    };
    let (added, _) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(StoreError::new(format!(
            "postgres: no CA certificate in {}",
            path.unwrap_or("the system's store")
        )));
    }
    Ok(roots)
}

fn client_config(check: Check, roots: RootCertStore) -> Result<ClientConfig, StoreError> {
    let provider = Arc::new(aws_lc_rs::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::new(format!("postgres: TLS: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::IssuerAndHost => return Ok(builder.with_root_certificates(roots).with_no_client_auth()),
        Check::Issuer => Arc::new(IssuerOnly(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| StoreError::new(format!("postgres: TLS: {e}")))?,
        )),
        Check::Nothing => Arc::new(AnyCertificate(provider)),
    };
    Ok(builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth())
}

/// `verify-ca`: the chain must lead to a trusted CA; the name it was issued for is not checked.
#[derive(Debug)]
struct IssuerOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for IssuerOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `require` without a CA: encrypted against a passive listener, as libpq's `require` is, with no
/// protection from an active one. The handshake's signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_parameters_leave_the_url_and_choose_the_connector() {
        let (settings, tls) = config("postgres://u@db.example:5433/files?sslmode=disable&application_name=a").unwrap();
        assert!(tls.is_none());
        assert_eq!(settings.get_application_name(), Some("a"));
        let (settings, tls) = config("postgres://u@db.example/files?sslmode=require").unwrap();
        assert!(tls.is_some());
        assert_eq!(settings.get_ssl_mode(), SslMode::Require);
        let missing = config_error("postgres://u@h/d?sslmode=verify-full&sslrootcert=%2Fno%2Fsuch.pem");
        assert!(missing.contains("/no/such.pem"), "{missing}");
        assert!(config_error("postgres://u@h/d?sslmode=allow").contains("not supported"));
    }

    fn config_error(url: &str) -> String {
        config(url).err().expect("refused").to_string()
    }
}
