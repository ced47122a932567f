// Package archive streams a directory of an fs.FS as a zip, tar or
// gzip-compressed tar archive, as it walks it: nothing is staged in
// memory or on disk, so memory stays flat whatever the directory's size.
//
//	root, err := os.OpenRoot("share")
//	if err != nil {
//		log.Fatal(err)
//	}
//	fsys := fileserver.RootFS(root)
//	http.HandleFunc("GET /share.zip", func(w http.ResponseWriter, r *http.Request) {
//		archive.Serve(w, r, fsys, ".", "share", archive.Zip, archive.Options{})
//	})
//
// # What goes in
//
// The regular files and directories below the directory, each named
// relative to it with "/" separators (never absolute, never ".."). The
// walk goes through the FS: under an [os.Root] (fileserver.RootFS), a
// symlink inside the root is followed, one that leads out of it fails to
// stat and is left out, and a symlink that loops back to a directory
// being walked is left out. FIFOs, sockets and devices are left out, and
// so is every name [Options].Hidden reports (pass access.Policy.Hidden,
// so that an archive never holds what a listing would not show).
//
// # Caps
//
// [Options] caps the entries, the bytes of file content and the depth of
// an archive. Reaching a cap is an error: [Write] stops where it is and
// does not finish the archive (no zip central directory, no tar trailer),
// and [Serve] aborts the response, so the client never holds a truncated
// archive that looks complete.
//
// # Formats
//
// Zip entries are deflated by klauspost/compress at a fast level, except
// those whose name says they are compressed already (images, audio,
// video, archives, PDF, WOFF), which are stored; names that are valid
// UTF-8 carry the UTF-8 flag, and zip64 records are written as sizes
// need. Tar entries are USTAR, with PAX records where a name or size
// needs them, readable by GNU tar and bsdtar; file owners are left out.
package archive
