package localfs

import "golang.org/x/sys/unix"

// Trusted reports whether the open file or directory fd is on a local
// file system whose changes all go through this kernel: ext4, XFS,
// Btrfs, tmpfs, F2FS or overlayfs (for changes made through the
// overlay).
func Trusted(fd int) bool {
	var s unix.Statfs_t
	if err := unix.Fstatfs(fd, &s); err != nil {
		return false
	}
	switch uint32(s.Type) {
	case unix.EXT4_SUPER_MAGIC, unix.XFS_SUPER_MAGIC, unix.BTRFS_SUPER_MAGIC,
		unix.TMPFS_MAGIC, unix.F2FS_SUPER_MAGIC, unix.OVERLAYFS_SUPER_MAGIC:
		return true
	}
	return false
}
