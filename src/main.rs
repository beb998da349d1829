//! The `council` binary: everything lives in the library.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    tune_allocator();
    std::process::exit(council::cli::main_with(std::env::args_os()));
}

/// Reading history, libgit2 allocates and frees a buffer the size of each large tree object for
/// every commit. glibc serves such buffers with mmap and returns them to the kernel on free, so
/// each one costs page faults; keeping them on the heap makes `audit` about a third faster.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator thresholds; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TOP_PAD, 1 << 20);
    }
}
