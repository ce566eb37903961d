//! Splitting CPU work over a few threads, for the large configs that need it.

use std::thread::ScopedJoinHandle;

/// `(0..n).map(f)`, in order, with the indices cut into up to `threads` parts that run at
/// the same time, each on its own thread. When a thread cannot be started (a
/// process at its thread limit), that part runs on the calling thread instead: never an
/// error, at worst no faster.
pub fn map_in_parts<T: Send>(n: usize, threads: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if threads < 2 || n < 2 {
        return (0..n).map(f).collect();
    }
    let per_part = n.div_ceil(threads);
    let f = &f;
    let part =
        move |start: usize| -> Vec<T> { (start..(start + per_part).min(n)).map(f).collect() };
    std::thread::scope(|scope| {
        let mut parts = (0..n).step_by(per_part).map(|start| {
            match std::thread::Builder::new().spawn_scoped(scope, move || part(start)) {
                Ok(handle) => Part::Running(handle),
                Err(_) => Part::Done(part(start)),
            }
        });
        let first = parts.next().expect("n > 0");
        let others: Vec<Part<'_, T>> = parts.collect();
        let mut all = first.join();
        // The first part grows in place (a large block is remapped, not copied).
        all.reserve_exact(n - all.len());
        for other in others {
            all.extend(other.join());
        }
        all
    })
}

/// One part's results: being computed on its own thread, or already here.
enum Part<'scope, T> {
    Running(ScopedJoinHandle<'scope, Vec<T>>),
    Done(Vec<T>),
}

impl<T> Part<'_, T> {
    fn join(self) -> Vec<T> {
        match self {
            Part::Running(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Part::Done(results) => results,
        }
    }
}

#[cfg(test)]
mod tests;
