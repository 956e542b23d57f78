//! TLS trust as Node's has it: Mozilla's roots, `NODE_EXTRA_CA_CERTS` and the call's `ca`, a
//! trusted self-signed certificate accepted as the server's own, and failures in words.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::ring;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore};
use rustls::{Error as TlsError, SignatureScheme};

/// The certificates of the PEM file named by `NODE_EXTRA_CA_CERTS`, read once, as Node does.
/// A missing or unreadable file adds nothing (Node prints a warning and goes on).
fn extra_ca_certs() -> &'static [CertificateDer<'static>] {
  static CERTS: OnceLock<Vec<CertificateDer<'static>>> = OnceLock::new();
  CERTS.get_or_init(|| {
    std::env::var_os("NODE_EXTRA_CA_CERTS")
      .and_then(|path| std::fs::read(path).ok())
      .map(|pem| pem_certificates(&pem))
      .unwrap_or_default()
  })
}

/// The certificates of a PEM text; what does not parse is skipped (every `ca` was checked when
/// it was set, `NODE_EXTRA_CA_CERTS` is read as leniently as Node reads it).
fn pem_certificates(pem: &[u8]) -> Vec<CertificateDer<'static>> {
  use rustls::pki_types::pem::PemObject;
  CertificateDer::pem_slice_iter(pem)
    .filter_map(Result::ok)
    .collect()
}

/// The TLS configuration of a client trusting `ca` (PEM texts) besides Mozilla's roots and
/// `NODE_EXTRA_CA_CERTS`. Fails only if no root could be added, which the checks of `ca` rule out.
pub fn config(ca: &[String]) -> Result<ClientConfig, TlsError> {
  let provider = Arc::new(ring::default_provider());
  let mut roots = RootCertStore {
    roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
  };
  let mut trusted: Vec<CertificateDer<'static>> = extra_ca_certs().to_vec();
  for pem in ca {
    trusted.extend(pem_certificates(pem.as_bytes()));
  }
  // Node skips an extra certificate it cannot use as an anchor; so does this.
  roots.add_parsable_certificates(trusted.iter().cloned());
  let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
    .build()
    .map_err(|err| TlsError::General(err.to_string()))?;
  let verifier = Verifier { webpki, trusted };
  let mut config = ClientConfig::builder_with_provider(provider)
    .with_safe_default_protocol_versions()?
    .dangerous()
    .with_custom_certificate_verifier(Arc::new(verifier))
    .with_no_client_auth();
  // HTTP/1.1 only, offered by ALPN as Node's fetch offers it.
  config.alpn_protocols = vec![b"http/1.1".to_vec()];
  Ok(config)
}

/// webpki's verification, plus what OpenSSL (and so Node) also accepts: a server certificate
/// that is itself one of the trusted certificates, byte for byte, even though it says `CA:TRUE`
/// (as `openssl req -x509` makes them) — still only for the names it lists and while valid.
#[derive(Debug)]
struct Verifier {
  webpki: Arc<WebPkiServerVerifier>,
  /// The caller's extra certificates (`NODE_EXTRA_CA_CERTS` and `ca`), as DER.
  trusted: Vec<CertificateDer<'static>>,
}

/// An untrusted certificate that signed itself, told apart from one whose issuer is unknown.
#[derive(Debug, thiserror::Error)]
#[error("self-signed certificate")]
pub struct SelfSigned;

impl ServerCertVerifier for Verifier {
  fn verify_server_cert(
    &self,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    server_name: &ServerName<'_>,
    ocsp_response: &[u8],
    now: UnixTime,
  ) -> Result<ServerCertVerified, TlsError> {
    let verdict =
      self
        .webpki
        .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
    let untrusted_self_signed = || {
      Err(TlsError::InvalidCertificate(CertificateError::Other(
        OtherError(Arc::new(SelfSigned)),
      )))
    };
    match verdict {
      Err(TlsError::InvalidCertificate(CertificateError::Other(ref other)))
        if is_ca_used_as_end_entity(other) =>
      {
        if !self.trusted.iter().any(|c| c == end_entity) {
          return match intermediates.is_empty() && is_self_signed(end_entity) {
            true => untrusted_self_signed(),
            false => verdict,
          };
        }
        // webpki checked the validity period before it looked at the basic constraints, so
        // what is left is the name.
        let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_name(&parsed, server_name)?;
        Ok(ServerCertVerified::assertion())
      }
      Err(TlsError::InvalidCertificate(CertificateError::UnknownIssuer))
        if intermediates.is_empty() && is_self_signed(end_entity) =>
      {
        untrusted_self_signed()
      }
      other => other,
    }
  }

  fn verify_tls12_signature(
    &self,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
  ) -> Result<HandshakeSignatureValid, TlsError> {
    self.webpki.verify_tls12_signature(message, cert, dss)
  }

  fn verify_tls13_signature(
    &self,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
  ) -> Result<HandshakeSignatureValid, TlsError> {
    self.webpki.verify_tls13_signature(message, cert, dss)
  }

  fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
    self.webpki.supported_verify_schemes()
  }
}

fn is_ca_used_as_end_entity(other: &OtherError) -> bool {
  matches!(
    other.0.downcast_ref::<webpki::Error>(),
    Some(webpki::Error::CaUsedAsEndEntity)
  )
}

/// Whether a certificate names itself as its issuer.
fn is_self_signed(der: &CertificateDer<'_>) -> bool {
  webpki::EndEntityCert::try_from(der).is_ok_and(|cert| cert.issuer() == cert.subject())
}

/// A certificate failure in words, for `host`: what Node's TLS says, phrased as a reason.
pub fn describe(err: &CertificateError, host: &str) -> String {
  match err {
    CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
      "the certificate has expired".into()
    }
    CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
      "the certificate is not yet valid".into()
    }
    CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
      format!("the certificate is not valid for \"{host}\"")
    }
    CertificateError::UnknownIssuer => "the certificate's issuer is not trusted".into(),
    CertificateError::Revoked => "the certificate has been revoked".into(),
    CertificateError::BadSignature => "the certificate's signature is invalid".into(),
    CertificateError::BadEncoding => "the certificate cannot be parsed".into(),
    CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
      "the certificate is not for a TLS server".into()
    }
    CertificateError::Other(other) if other.0.is::<SelfSigned>() => {
      "self-signed certificate not trusted".into()
    }
    CertificateError::Other(other) if is_ca_used_as_end_entity(other) => {
      "the certificate is a CA certificate that is not trusted as the server's own".into()
    }
    other => format!("the certificate is not valid ({other})"),
  }
}
