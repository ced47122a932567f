// Package localfs tells whether a file system's state is this kernel's
// own: its timestamps set by the kernel as files change, and every change
// seen by inotify, because every change goes through this kernel. That
// holds for local disk and memory file systems; it does not for NFS, FUSE
// or other network and user-space file systems, whose changes and times
// may come from elsewhere. Caches validated by timestamps or by
// notifications are only kept for trusted file systems.
package localfs
