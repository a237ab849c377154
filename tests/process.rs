//! How gazette shares the machine: big buffers go back to the system when freed, and background
//! threads run below the thread answering keys. One test, so no other test's allocations or
//! threads run beside it in this binary.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn big_buffers_are_given_back_and_background_threads_yield() {
    use gazette::process::{give_back_big_buffers, run_in_background, BACKGROUND_NICENESS};

    // Bytes in mappings of their own (glibc's mallinfo2().hblkhd).
    let mapped = || unsafe { libc::mallinfo2() }.hblkhd;
    give_back_big_buffers();
    // glibc raises its threshold when a mapped buffer is freed; after the call it must not, so a
    // 512 KiB buffer that follows a freed 4 MiB one is still mapped (and so given back).
    drop(std::hint::black_box(vec![1u8; 4 << 20]));
    let before = mapped();
    let buffer = std::hint::black_box(vec![1u8; 512 << 10]);
    assert!(
        mapped() >= before + (512 << 10),
        "a 512 KiB buffer after a freed 4 MiB one came from the heap, where it would stay"
    );
    drop(buffer);
    assert!(mapped() < before + (512 << 10), "freed, it is unmapped");

    // The nice value is per thread on Linux: the background thread's rises, this one's does not.
    let nice = || unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::getpriority(libc::PRIO_PROCESS, thread)
    };
    let ours = nice();
    let theirs = std::thread::spawn(move || {
        run_in_background();
        nice()
    })
    .join()
    .expect("the thread ends");
    assert_eq!(theirs, (ours + BACKGROUND_NICENESS).min(19));
    assert_eq!(nice(), ours, "the calling thread of the test is untouched");
}
