//! A few channels to one endpoint, handed out in turn: one HTTP/2 connection is served by one
//! core on the other side, so several spread the load.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tonic::transport::Channel;

/// Channels to one endpoint, connected lazily, used round-robin.
#[derive(Debug, Clone)]
pub struct ChannelPool {
    channels: Arc<[Channel]>,
    next: Arc<AtomicUsize>,
}

impl ChannelPool {
    /// `size` channels (at least one) to `endpoint` (`http://host:port`).
    pub fn lazy(endpoint: &str, size: usize) -> Result<ChannelPool, tonic::transport::Error> {
        let endpoint = platform::identity::tls::endpoint(endpoint)?;
        let channels: Vec<Channel> = (0..size.max(1)).map(|_| endpoint.connect_lazy()).collect();
        Ok(ChannelPool { channels: channels.into(), next: Arc::default() })
    }

    /// A pool of channels made elsewhere (the server context's, which carry the service's
    /// own certificate in `mtls`).
    pub fn from_channels(channels: Vec<Channel>) -> ChannelPool {
        assert!(!channels.is_empty(), "a pool needs a channel");
        ChannelPool { channels: channels.into(), next: Arc::default() }
    }

    /// The next channel.
    pub fn get(&self) -> Channel {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.channels.len();
        self.channels[i].clone()
    }

    /// How many channels.
    pub fn len(&self) -> usize {
        self.channels.len()
    }

    /// Whether the pool is empty (never: it has at least one).
    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }
}
