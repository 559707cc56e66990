//! Opening the file of a `TicketWriter`: a path, or a duplicate of an open descriptor.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom};
use std::path::PathBuf;

/// Opens a path target: truncated, or cut back to `append_at` and continued there.
/// (Truncation is ignored by the OS for devices and pipes, e.g. `/dev/stdout`.) Also
/// returns whether it is a regular file.
pub fn open_path(path: &PathBuf, append_at: Option<u64>) -> std::io::Result<(File, bool)> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(append_at.is_none())
        .open(path)?;
    if let Some(at) = append_at {
        let length = file.metadata()?.len();
        if at > length {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("append_at={at} is past the end of the file ({length} bytes)"),
            ));
        }
        file.set_len(at)?;
        file.seek(SeekFrom::Start(at))?;
    }
    let regular = file.metadata()?.is_file();
    Ok((file, regular))
}

/// A duplicate of the caller's open descriptor, so closing the writer leaves it open.
#[cfg(unix)]
pub fn dup_descriptor(fd: i32) -> std::io::Result<File> {
    use std::os::fd::BorrowedFd;
    if fd < 0 {
        return Err(std::io::Error::from_raw_os_error(9)); // EBADF
    }
    // SAFETY: the borrow lasts only for the duplication; a descriptor that is not open
    // makes `fcntl(F_DUPFD_CLOEXEC)` fail with EBADF, which is returned.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    Ok(File::from(borrowed.try_clone_to_owned()?))
}

/// A duplicate of the OS handle behind the caller's C runtime descriptor (what
/// `sys.stdout.fileno()` returns on Windows), so closing the writer leaves it open. Writing to
/// the handle bypasses the C runtime's text mode, so the bytes are the same as on Unix.
#[cfg(windows)]
pub fn dup_descriptor(fd: i32) -> std::io::Result<File> {
    use pyo3::prelude::*;
    use std::os::windows::io::{BorrowedHandle, RawHandle};
    // `msvcrt.get_osfhandle` reads the interpreter's own C runtime descriptor table and raises
    // OSError for a descriptor that is not open, where the C function itself would end the
    // process through the runtime's invalid-parameter handler; that becomes
    // ERROR_INVALID_HANDLE (6), which Python reports as EBADF.
    let handle = Python::attach(|py| -> PyResult<isize> {
        py.import("msvcrt")?
            .call_method1("get_osfhandle", (fd,))?
            .extract()
    })
    .map_err(|_| std::io::Error::from_raw_os_error(6))?;
    // SAFETY: the borrow lasts only for the duplication (`DuplicateHandle`), while the
    // caller's descriptor keeps the handle open.
    let borrowed = unsafe { BorrowedHandle::borrow_raw(handle as RawHandle) };
    Ok(File::from(borrowed.try_clone_to_owned()?))
}

#[cfg(not(any(unix, windows)))]
pub fn dup_descriptor(_fd: i32) -> std::io::Result<File> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "file descriptor targets need a Unix or Windows system",
    ))
}
