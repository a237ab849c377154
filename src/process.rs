//! How the process shares the machine: big buffers go back to the system when freed, and the
//! threads working in the background yield the processor to the one answering keys.

/// Buffers of this size or more get pages of their own, unmapped when freed.
pub const OWN_PAGES_FROM: usize = 256 * 1024;

/// Makes every allocation of [`OWN_PAGES_FROM`] bytes or more a mapping of its own, given back
/// when freed. glibc raises that threshold by itself after the first big buffer is freed (up to
/// 32 MiB), so later feed bodies (up to 10 MiB each), gzip output and pages were carved from the
/// fetch threads' own arenas and stayed there after the fetch: refreshing 1,000 feeds with 100
/// faulty ones left the reader holding 238 MiB, 44 MiB without the faulty ones
/// (`bench/refresh_keys.py`). Call it first thing, before any thread starts.
pub fn give_back_big_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning value of glibc's allocator; it is called before any
    // other thread exists, and an out-of-range value is refused (returns 0), not undefined.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM as libc::c_int);
    }
}

/// How much lower than the reader's own thread a background thread runs (a nice value: at 10,
/// the kernel gives it about a tenth of the processor when both want it).
pub const BACKGROUND_NICENESS: libc::c_int = 10;

/// The lowest priority there is.
const MAX_NICENESS: libc::c_int = 19;

/// Lowers the calling thread's priority by [`BACKGROUND_NICENESS`] from where it was (gazette run
/// under `nice` keeps its background threads below its own): for the threads that fetch, parse,
/// store and restore, so a key pressed while 1,000 feeds arrive is answered first (worst key
/// 104 ms -> 12 ms under load 3, `bench/refresh_keys.py`). On Linux the nice value belongs to the
/// thread, not the process; elsewhere this does nothing. A failure (a sandbox refusing it)
/// leaves the thread as it was, only slower to yield.
pub fn run_in_background() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid, getpriority and setpriority take and return plain integers, errno is this
    // thread's own, and setpriority on this thread's id changes nothing but its scheduling weight.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        // -1 is a nice value as well as the error: errno tells them apart.
        *libc::__errno_location() = 0;
        let now = libc::getpriority(libc::PRIO_PROCESS, thread);
        if now == -1 && *libc::__errno_location() != 0 {
            return;
        }
        libc::setpriority(
            libc::PRIO_PROCESS,
            thread,
            (now + BACKGROUND_NICENESS).min(MAX_NICENESS),
        );
    }
}
