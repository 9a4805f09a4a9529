//! A small pool of threads for bcrypt, separate from the async runtime.
//!
//! Hashing is CPU-bound and slow by design. Running it on tokio's worker
//! threads would stall every other request; running it unbounded on the
//! blocking pool would let a burst of logins take every core. Here at most one
//! hash runs per core (a semaphore admits callers in arrival order), and the
//! threads run at a lower scheduling priority, so page rendering keeps its
//! latency while logins queue for the cores left over.

use std::{
    sync::{mpsc, Arc, Mutex},
    thread,
};

use tokio::sync::{oneshot, Semaphore};

type Job = Box<dyn FnOnce() + Send>;

/// How much nicer than the rest of the server the hashing threads are.
const NICENESS: i32 = 10;

/// The hashing threads and the admission semaphore in front of them.
#[derive(Clone)]
pub struct HashPool {
    jobs: mpsc::Sender<Job>,
    permits: Arc<Semaphore>,
}

/// The pool has shut down (the server is stopping).
#[derive(Debug, thiserror::Error)]
#[error("the hashing pool has stopped")]
pub struct PoolStopped;

impl HashPool {
    /// Starts `threads` hashing threads (at least one).
    pub fn new(threads: usize) -> HashPool {
        let threads = threads.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..threads {
            let receiver = Arc::clone(&receiver);
            let spawned = thread::Builder::new()
                .name(format!("gatehouse-hash-{index}"))
                .spawn(move || worker(receiver));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a hashing thread");
            }
        }
        HashPool {
            jobs,
            permits: Arc::new(Semaphore::new(threads)),
        }
    }

    /// One thread per available core.
    pub fn per_core() -> HashPool {
        HashPool::new(thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// Runs `work` on a hashing thread once a core is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, PoolStopped>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _permit = self.permits.acquire().await.map_err(|_| PoolStopped)?;
        let (done, result) = oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(work());
            }))
            .map_err(|_| PoolStopped)?;
        result.await.map_err(|_| PoolStopped)
    }
}

fn worker(receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
    lower_priority();
    loop {
        let job = match receiver.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return, // every sender is gone: the server stopped
        }
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // On Linux, PRIO_PROCESS with id 0 sets the niceness of the calling thread only.
    // SAFETY: setpriority has no memory-safety preconditions.
    let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, NICENESS) };
    if result != 0 {
        tracing::debug!("could not lower the priority of a hashing thread");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {
    let _ = NICENESS;
}
