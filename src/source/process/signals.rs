//! When rolecall itself is ended by SIGINT, SIGTERM or SIGHUP while a `credential_process`
//! runs, no destructor runs: the handler here kills every running child's group first, then
//! lets the signal end rolecall as it would have.
//!
//! The handler is installed only while a child runs, and only for a signal whose action is
//! still the default: where rolecall handles a signal itself (the TUI's SIGINT and SIGTERM,
//! `exec --server`'s SIGINT), it shuts down through its destructors, which kill the groups.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;

const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// How many children the handler can see at once; one beyond is still killed by its
/// [`super::group::Group`]'s destructor, just not by a signal to rolecall.
const SLOTS: usize = 64;

/// The groups to kill: a process group id, 0 for a free slot, -1 for a reserved one.
static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// How many [`SignalSlot`]s are alive, and which signals' handlers are ours to remove.
static INSTALLED: Mutex<(usize, [bool; SIGNALS.len()])> = Mutex::new((0, [false; 3]));

/// One child's place in the handler's list, from before its fork to its end.
pub(super) struct SignalSlot {
    slot: Option<usize>,
}

impl SignalSlot {
    /// Reserves a slot and installs the handler if this is the first child.
    pub(super) fn new() -> SignalSlot {
        let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
        if installed.0 == 0 {
            for (i, &signal) in SIGNALS.iter().enumerate() {
                installed.1[i] = install_if_default(signal);
            }
        }
        installed.0 += 1;
        let slot = GROUPS.iter().position(|g| {
            g.compare_exchange(0, -1, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
        });
        SignalSlot { slot }
    }

    /// The child's group id, once it is known.
    pub(super) fn set(&self, pgid: libc::pid_t) {
        if let Some(i) = self.slot {
            GROUPS[i].store(if pgid > 0 { pgid } else { -1 }, Ordering::SeqCst);
        }
    }
}

impl Drop for SignalSlot {
    fn drop(&mut self) {
        if let Some(i) = self.slot {
            GROUPS[i].store(0, Ordering::SeqCst);
        }
        let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
        installed.0 -= 1;
        if installed.0 == 0 {
            for (i, &signal) in SIGNALS.iter().enumerate() {
                if std::mem::take(&mut installed.1[i]) {
                    restore_default_if_ours(signal);
                }
            }
        }
    }
}

/// Kills every registered group, then ends rolecall with `signal`'s default action.
extern "C" fn on_signal(signal: libc::c_int) {
    for group in &GROUPS {
        let pgid = group.load(Ordering::SeqCst);
        if pgid > 0 {
            // SAFETY: kill is async-signal-safe and takes no pointers.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
    }
    // SAFETY: signal and raise are async-signal-safe. The signal is blocked while its
    // handler runs, so the raised one is delivered, with the default action, on return.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

fn current_handler(signal: libc::c_int) -> libc::sighandler_t {
    // SAFETY: sigaction with a null new action only reads the current one into `old`.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old);
        old.sa_sigaction
    }
}

/// Installs [`on_signal`] for `signal` if nothing handles or ignores it; says whether it did.
fn install_if_default(signal: libc::c_int) -> bool {
    if current_handler(signal) != libc::SIG_DFL {
        return false;
    }
    // SAFETY: the action is fully initialised (zeroed, an empty mask, a handler of the
    // right type).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        action.sa_flags = libc::SA_RESTART;
        libc::sigaction(signal, &action, std::ptr::null_mut()) == 0
    }
}

/// Puts back the default action, unless someone replaced [`on_signal`] meanwhile.
fn restore_default_if_ours(signal: libc::c_int) {
    if current_handler(signal) == on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t {
        // SAFETY: resets one signal's action to the default.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
}
