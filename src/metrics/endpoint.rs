//! `[metrics] listen`: an HTTP server with Prometheus metrics at `/metrics` (rendered by
//! metrics-exporter-prometheus) and a health check at `/healthz` (200 when every gateway
//! shard of this process is connected, 503 otherwise). Started by `serve` before it connects
//! to Discord, so both answer while Discord is unreachable. hyper serves them (already in the
//! build through serenity's HTTP client): the exporter's own listener has no `/healthz`.

use std::convert::Infallible;
use std::net::SocketAddr;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    #[error("[metrics] listen = \"{addr}\": cannot listen there: {source}; choose a free address and port")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot install the metrics recorder: {0}")]
    Recorder(String),
}

/// Installs the Prometheus recorder for this process and serves it on `addr` until the
/// runtime stops. Returns the address bound (port 0 picks a free one).
pub async fn start(addr: SocketAddr) -> Result<SocketAddr, EndpointError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| EndpointError::Bind { addr, source })?;
    let bound = listener.local_addr().unwrap_or(addr);
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(super::ANSWER_SECONDS.to_string()),
            super::ANSWER_BUCKETS,
        )
        .and_then(PrometheusBuilder::install_recorder)
        .map_err(|e| EndpointError::Recorder(e.to_string()))?;
    // Every series exists from the start, at zero, so dashboards and alerts see them at once.
    super::shards(0, 0);
    tracing::info!(address = %bound, "serving /metrics and /healthz");
    tokio::spawn(accept(listener, handle));
    Ok(bound)
}

async fn accept(listener: TcpListener, handle: PrometheusHandle) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "metrics endpoint: could not accept a connection");
                continue;
            }
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let handle = handle.clone();
                async move { Ok::<_, Infallible>(route(&request, &handle)) }
            });
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%error, "metrics endpoint: a connection failed");
            }
        });
    }
}

fn route(request: &Request<Incoming>, handle: &PrometheusHandle) -> Response<Full<Bytes>> {
    let text = |status: StatusCode, content_type: &str, body: String| {
        Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_default()
    };
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return text(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "GET only\n".into(),
        );
    }
    match request.uri().path() {
        "/metrics" => text(StatusCode::OK, "text/plain; version=0.0.4", handle.render()),
        "/healthz" if super::healthy() => text(StatusCode::OK, "text/plain", "ok\n".into()),
        "/healthz" => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "not every shard of this process is connected to Discord\n".into(),
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found: /metrics or /healthz\n".into(),
        ),
    }
}
